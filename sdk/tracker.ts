// The tracker: turns API calls into events (ids, time, visitor, session, page context) and
// hands them to the outbox. Capture modules call `emit`; nothing here touches the network.
import type { EventType, Props, WireEvent } from './schema';
import { configure, type Config, type Options } from './core/config';
import { load, save } from './core/storage';
import { uuid } from './core/ids';
import { sessionId, visitorId } from './core/session';
import { createQueue } from './transport/queue';
import { onHidden } from './lib/lifecycle';
import { trackPages } from './capture/pages';

export interface Tracker {
  config: Config;
  emit(type: EventType, name: string, props?: Props, extra?: Partial<WireEvent>): void;
  /** Records a custom event. */
  track(name: string, props?: Props): void;
  /** Records a page view of the current location (SPA views pass the previous URL). */
  page(props?: Props, referrer?: string): void;
  identify(userId: string, traits?: Props): void;
  flush(): void;
  optOut(): void;
  optIn(): void;
}

const OPT_OUT = 'cjm_optout';
const USER = 'cjm_u';

export const createTracker = (options: Options): Tracker => {
  const config = configure(options);
  const queue = createQueue(config);
  let referrer = document.referrer;

  const t: Tracker = {
    config,
    emit(type, name, props, extra) {
      if (load(OPT_OUT)) return;
      const ts = Date.now();
      const e: WireEvent = {
        id: uuid(),
        type,
        name: name.slice(0, 200),
        ts,
        visitor: visitorId(),
        session: sessionId(ts),
        user: load<string>(USER),
        url: location.href,
        path: location.pathname,
        title: document.title,
        referrer,
        props,
        ...extra,
      };
      queue.add(e);
    },
    track(name, props) {
      t.emit('event', name, props);
    },
    page(props, from) {
      if (from !== undefined) referrer = from;
      t.emit('pageview', location.pathname, props);
    },
    identify(userId, traits) {
      save(USER, String(userId));
      t.emit('identify', 'identify', traits, { persona: traits?.persona as string | undefined });
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

  onHidden(queue.flush);
  queue.flush(); // whatever earlier pages left unsent
  if (config.autoPageviews) trackPages(t);
  return t;
};
