// The tracker: turns API calls into events (id, time, visitor, session, page, journey stage,
// page-type hint, touchpoint) and hands them to the outbox. Capture modules call `emit`.
import type { Props, WireEvent } from './schema';
import type { Tracker } from './tracker-types';
import { configure, matchRule, type Options } from './core/config';
import { load, memoryOnly, save } from './core/storage';
import { uuid } from './core/ids';
import { sessionId, visitorId } from './core/session';
import { createQueue } from './transport/queue';
import { onHidden } from './lib/lifecycle';
import { trackPages } from './capture/pages';
import { startCapture } from './capture/lazy';

export type { Tracker } from './tracker-types';

const OPT_OUT = 'cjm_optout';
const USER = 'cjm_u';

export const createTracker = (options: Options): Tracker => {
  const config = configure(options);
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
  const off = config.dnt && (nav.doNotTrack == '1' || nav.globalPrivacyControl);
  // Debug mode says the rest from the capture chunk (sdk/debug.ts), which never loads when off.
  if (off && config.debug) console.warn('cjm: off (DNT/GPC)');
  if (config.cookieless) memoryOnly();
  const queue = createQueue(config);
  let referrer = document.referrer;
  let viewed = 0;
  let explicitStage: string | undefined; // cjm.stage()
  // What an event takes from its page view, read when the view is recorded, so that what is
  // sent after the URL changed (the engagement of a view left by SPA navigation) is still the
  // left view's.
  let url: string;
  let pageStage: string | undefined;
  let hint: string | undefined;
  /** The view's events queued before its hint was known, or 0 once it is. */
  let held: WireEvent[] | 0;
  const enter = () => {
    url = location.href;
    pageStage = document.querySelector<HTMLMetaElement>('meta[name="cjm:stage"]')?.content || matchRule(config.stages, location.pathname);
    hint = undefined;
    held = [];
    t.hinted?.(viewed < 2);
  };

  const t: Tracker = {
    config,
    emit(type, name, { stage, ...props } = {}, touchpoint, elementStage) {
      if (off || load(OPT_OUT)) return;
      const ts = Date.now();
      const e: WireEvent = {
        id: uuid(),
        type,
        // Long page data is cut to the collector's limits rather than have the batch refused.
        name: name.slice(0, 200),
        ts,
        visitor: visitorId(),
        session: sessionId(ts),
        user: load(USER),
        url: url.slice(0, 2048),
        title: document.title.slice(0, 300),
        referrer: referrer.slice(0, 2048),
        persona: config.persona,
        // Stage precedence: explicit > element > page meta > URL rules; the collector does the rest.
        stage: (stage as string) || explicitStage || elementStage || pageStage,
        hint,
        touchpoint,
        props,
      };
      queue.add(e);
      if (held) held.push(e);
    },
    track(name, props) {
      t.emit('event', name, props);
    },
    page(props) {
      // An SPA view's referrer is the view before it.
      if (viewed++) referrer = url;
      enter();
      explicitStage = undefined;
      t.emit('pageview', location.pathname, props);
    },
    identify(userId, traits) {
      save(USER, '' + userId);
      t.emit('identify', 'identify', traits);
    },
    stage(s) {
      explicitStage = s;
    },
    feedback(score, o = {}) {
      if (score >= 1 && score <= 5)
        t.emit('feedback', 'feedback', { score: Math.round(score), comment: o.comment?.slice(0, 500) } as Props, o.touchpoint, o.stage);
    },
    flush: queue.flush,
    hint(h) {
      // Those already sent (a flush before the hint was known) go without it.
      if (held && (hint = h)) for (const e of held) ((e.hint = h), queue.patch(e));
      held = 0;
    },
    ready() {
      t.hinted?.(viewed < 2);
    },
    optOut() {
      save(OPT_OUT, 1);
      queue.clear();
    },
    optIn() {
      save(OPT_OUT);
    },
  };

  queue.flush(); // whatever earlier pages left unsent
  if (!off) {
    const capture = startCapture(t);
    enter(); // events before the first page view (pageviews: false) belong to the loaded page
    if (config.pageviews) trackPages(t, capture);
  }
  // After the capture modules, so that what they send on hide (form abandon) goes too; the
  // engagement first, so that it goes in the same batch as the events before it and is stored
  // after them (a purchase before it puts it in retention).
  onHidden((e?: unknown) => (t.leave?.(e), queue.flush()));
  return t;
};
