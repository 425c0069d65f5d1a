// The tracker: turns API calls into events (id, time, visitor, session, page, journey stage,
// touchpoint) and hands them to the outbox. Capture modules call `emit`.
import type { EventType, Props } from './schema';
import { configure, matchRule, type Config, type Options } from './core/config';
import { load, memoryOnly, save } from './core/storage';
import { uuid } from './core/ids';
import { sessionId, visitorId } from './core/session';
import { createQueue } from './transport/queue';
import { onHidden } from './lib/lifecycle';
import { trackPages } from './capture/pages';
import { trackEngagement } from './capture/engagement';
import { startCapture } from './capture/lazy';

export interface Tracker {
  config: Config;
  /**
   * Queues an event of the current page view. `elementStage` is the data-cjm-stage of the
   * element interacted with, if any.
   */
  emit(type: EventType, name: string, props?: Props, touchpoint?: string, elementStage?: string): void;
  /** Records a custom event; `props.stage` sets its stage explicitly. */
  track(name: string, props?: Props): void;
  /** Records a page view of the current location; later events belong to it. */
  page(props?: Props): void;
  identify(userId: string, traits?: Props): void;
  /** Sets the stage of every later event of this page view. */
  stage(stage?: string): void;
  /** Records how the customer felt here: a score from 1 (bad) to 5 (great). */
  feedback(score: number, options?: { comment?: string; touchpoint?: string; stage?: string }): void;
  flush(): void;
  optOut(): void;
  optIn(): void;
  /**
   * Shows survey `id` (defined on the collector) if its caps allow. Set by the capture chunk
   * once it has loaded (capture/surveys.ts), which also sets the script tag's window.cjm.survey:
   * cjm.js has no bytes to spare for it, so a call before that does nothing (docs/surveys.md).
   */
  survey?(id: string): void;
}

const OPT_OUT = 'cjm_optout';
const USER = 'cjm_u';

export const createTracker = (options: Options): Tracker => {
  const config = configure(options);
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
  const off = config.dnt && (nav.doNotTrack == '1' || nav.globalPrivacyControl);
  if (config.cookieless) memoryOnly();
  const queue = createQueue(config);
  let url = location.href;
  let referrer = document.referrer;
  let viewed = 0;
  let explicitStage: string | undefined; // cjm.stage()

  const t: Tracker = {
    config,
    emit(type, name, { stage, ...props } = {}, touchpoint, elementStage) {
      if (off || load(OPT_OUT)) return;
      const ts = Date.now();
      queue.add({
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
        stage: (stage as string) || explicitStage || elementStage ||
          document.querySelector<HTMLMetaElement>('meta[name="cjm:stage"]')?.content ||
          matchRule(config.stages, location.pathname),
        touchpoint,
        props,
      });
    },
    track(name, props) {
      t.emit('event', name, props);
    },
    page(props) {
      // An SPA view's referrer is the view before it.
      if (viewed++) referrer = url;
      url = location.href;
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
      if (score >= 1 && score <= 5) t.emit('feedback', 'feedback', { score: Math.round(score), comment: o.comment?.slice(0, 500) } as Props, o.touchpoint, o.stage);
    },
    flush: queue.flush,
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
    const leave = trackEngagement(t);
    const capture = startCapture(t);
    if (config.pageviews) trackPages(t, leave, capture);
  }
  // After the capture modules, so that what they send on hide (engagement, form abandon) goes too.
  onHidden(queue.flush);
  return t;
};
