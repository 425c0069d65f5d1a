// Clicks: custom events (data-cjm-event + data-cjm-prop-*), checkout buttons, feedback buttons,
// outbound links and file downloads — and rage clicks (3 clicks within 1 s on one spot), the
// most common sign of a frustrated customer.
import type { Emit } from '../capture';
import type { Tracker } from '../tracker';
import { inherited, propsOf } from '../lib/dom';

const DOWNLOAD = /\.(pdf|zip|docx?|xlsx?|pptx?|csv|txt|dmg|exe|msi|pkg|apk|mp[34]|mov|epub|t?gz|rar|7z)$/i;
const RAGE_CLICKS = 3;
const RAGE_WINDOW_MS = 1000;
const RAGE_RADIUS_PX = 30;

/** The `click` handler. */
export const clicks = (t: Tracker, emit: Emit) => {
  let recent: MouseEvent[] = [];

  return (e: MouseEvent) => {
    const target = e.target as Element;
    if (target.closest('[data-cjm-ignore]')) return;

    recent = recent.filter((c) => e.timeStamp - c.timeStamp < RAGE_WINDOW_MS && Math.hypot(c.clientX - e.clientX, c.clientY - e.clientY) < RAGE_RADIUS_PX);
    if (recent.push(e) == RAGE_CLICKS) emit('pain', 'rage_click', {}, target);

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
