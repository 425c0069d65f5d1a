// The adversarial client of issue 16, as /collect bodies: it stays under the per-client rate
// limit but first fills a few sessions of one visitor with up to a thousand events each (all
// in one hour, so each session's path and rollup rows are as large as they get; just under the
// session cap, collector/journey/session-cap.ts, by default), then sends batches into those
// sessions with old timestamps (earlier than what is stored: path rebuilds), a new visitor id
// on every event (a session's visitor count), an identify with a new user id and a persona on
// the big visitor (its user id link and its latest user id and persona). Honest traffic is bench/batch.ts's page-view batch. Shared by
// test/collector/adversary.test.ts (small) and `npm run bench` (bench/adversary-bench.ts).
import { LIMITS } from '../sdk/schema';

/** How big the adversary makes its sessions. */
export interface AdversaryShape {
  sessions: number;
  eventsPerSession: number;
}

const HOUR = 3_600_000;
const page = (i: number) => ({ url: `https://shop.example/p/${i % 40}`, path: `/p/${i % 40}` });

/** The bodies that fill the sessions, `LIMITS.events` events each, in time order within one hour. */
export function fillBodies(site: string, now: number, shape: AdversaryShape): string[] {
  const out: string[] = [];
  const start = now - 2 * HOUR;
  for (let s = 0; s < shape.sessions; s++)
    for (let i = 0; i < shape.eventsPerSession; i += LIMITS.events) {
      const events = [];
      for (let j = i; j < Math.min(i + LIMITS.events, shape.eventsPerSession); j++)
        events.push({
          id: `fill-${s}-${j}`,
          type: j % 5 === 0 ? 'pageview' : 'event',
          name: j % 5 === 0 ? `/p/${j % 40}` : 'click',
          ts: start + Math.floor((j * HOUR) / (2 * shape.eventsPerSession)),
          visitor: 'adv-v',
          session: `adv-s${s}`,
          ...page(j),
        });
      out.push(JSON.stringify({ site, sent: now, events }));
    }
  return out;
}

/**
 * The n-th attack batch: `LIMITS.events` events into session n mod sessions, each with a new
 * visitor id, at times inside the filled hour but before most of its events (late arrivals),
 * with one identify and one persona.
 */
export function attackBody(site: string, now: number, shape: AdversaryShape, n: number): string {
  const s = n % shape.sessions;
  const start = now - 2 * HOUR;
  const events = [];
  for (let j = 0; j < LIMITS.events; j++)
    events.push({
      id: `atk-${n}-${j}`,
      type: j === 0 ? 'identify' : j % 2 ? 'pageview' : 'event',
      name: j === 0 ? 'identify' : j % 2 ? `/p/${j % 40}` : 'click',
      ts: start + 1000 + j * 10 + n,
      visitor: j <= 1 ? 'adv-v' : `adv-new-${n}-${j}`,
      ...(j === 0 ? { user: `adv-u${n}` } : {}),
      ...(j === 1 ? { persona: 'attacker' } : {}),
      session: `adv-s${s}`,
      ...page(j),
    });
  return JSON.stringify({ site, sent: now, events });
}
