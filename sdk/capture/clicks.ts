// Clicks: custom events (data-cjm-event + data-cjm-prop-*), checkout buttons, feedback buttons,
// outbound links and file downloads — and rage clicks (3 clicks within 1 s on one spot), the
// most common sign of a frustrated customer, and dead clicks (something that looks clickable
// did nothing).
import type { Emit } from './types';
import type { Tracker } from '../tracker-types';
import { inherited, propsOf } from '../lib/dom';

const DOWNLOAD = /\.(pdf|zip|docx?|xlsx?|pptx?|csv|txt|dmg|exe|msi|pkg|apk|mp[34]|mov|epub|t?gz|rar|7z)$/i;
const RAGE_CLICKS = 3;
const RAGE_WINDOW_MS = 1000;
const RAGE_RADIUS_PX = 30;
/** How long a click has to show an effect (DOM change, scroll, navigation) before it is dead. */
export const DEAD_CLICK_MS = 1000;
/** What looks clickable: links, buttons, images, pointer cursors. Tagged elements are the site's own events. */
const CLICKABLE = 'a[href],button,img,[role=button],[role=link],[onclick]';
/** Clicks that change state without changing the DOM (form fields) and tagged ones are never dead. */
const LIVE =
  'input,select,textarea,label,option,[contenteditable],[data-cjm-event],[data-cjm-checkout],[data-cjm-feedback],[data-cjm-survey]';

/** Reports `el`'s click as a dead click if nothing changes within DEAD_CLICK_MS. */
const watchDead = (emit: Emit, el: Element) => {
  let changed = false;
  const url = location.href;
  const change = () => (changed = true);
  const observer = new MutationObserver(change);
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  addEventListener('scroll', change, true);
  setTimeout(() => {
    observer.disconnect();
    removeEventListener('scroll', change, true);
    if (!changed && url == location.href && el.isConnected) emit('pain', 'dead_click', {}, el);
  }, DEAD_CLICK_MS);
};

/** The `click` handler. */
export const clicks = (t: Tracker, emit: Emit) => {
  let recent: MouseEvent[] = [];

  return (e: MouseEvent) => {
    const target = e.target as Element;
    if (target.closest('[data-cjm-ignore]')) return;

    recent = recent.filter(
      (c) => e.timeStamp - c.timeStamp < RAGE_WINDOW_MS && Math.hypot(c.clientX - e.clientX, c.clientY - e.clientY) < RAGE_RADIUS_PX,
    );
    if (recent.push(e) == RAGE_CLICKS) emit('pain', 'rage_click', {}, target);
    const clickable = target.closest(CLICKABLE) || (getComputedStyle(target).cursor == 'pointer' && target);
    if (clickable && !target.closest(LIVE) && recent.length == 1) watchDead(emit, clickable);

    // A form's step goes with its submit, the <body>'s with the page view: neither with a click.
    const el = target.closest<HTMLAnchorElement>('[data-cjm-event],[data-cjm-feedback],[data-cjm-checkout]:not(form,body),a[href]');
    if (!el) return;
    const d = el.dataset;
    const props = propsOf(el);
    if (d.cjmCheckout) emit('event', d.cjmCheckout, props, el);
    if (d.cjmFeedback)
      t.feedback(+d.cjmFeedback, {
        comment: el.closest('form')?.querySelector<HTMLInputElement>('[data-cjm-comment]')?.value || (props.comment as string),
        touchpoint: inherited(el, 'cjm-touchpoint'),
        stage: inherited(el, 'cjm-stage'),
      });
    if (d.cjmEvent) emit('event', d.cjmEvent, props, el);
    else if (el.href) {
      const url = new URL(el.href);
      const kind = DOWNLOAD.test(url.pathname) ? 'download' : url.host != location.host && /^http/.test(url.protocol) ? 'outbound' : 0;
      if (kind) emit('event', kind, { url: el.href }, el);
    }
  };
};
