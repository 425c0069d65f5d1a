// Issue 16, bounded cost: a client that fills a few sessions with thousands of events and then
// sends late events and new visitor ids into them must not slow everyone else down. The session
// cap moves what exceeds it into continuations and loses nothing; honest requests sent while
// the adversary works stay within 2× of the quiet baseline measured in the same test.
// Bigger numbers: `npm run bench adversary` (bench/adversary-bench.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attackBody, fillBodies } from '../../bench/adversary';
import { batchBodies } from '../../bench/batch';
import { capSessions, MAX_SESSION_EVENTS } from '../../collector/journey/session-cap';
import type { SqlStore } from '../../collector/store/types';
import { NOW, batch, event, post, row, tempStore, testApp } from './helpers';

let store: SqlStore;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];

beforeEach(() => {
  ({ store, cleanup } = tempStore());
  ({ app } = testApp(store));
});
afterEach(async () => {
  await cleanup();
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('session cap', () => {
  it('moves the events beyond the cap into continuations, in time order, after what is stored', () => {
    const rows = [3, 1, 2, 4].map((t) => row({ id: `e${t}`, session: 's', time: t }));
    const capped = capSessions(rows, new Map([['s', { part: 1, events: 2 }]]), 3);
    expect(capped.map((r) => [r.id, r.session])).toEqual([
      ['e3', 's~2'],
      ['e1', 's'],
      ['e2', 's~2'],
      ['e4', 's~2'],
    ]);
    expect(capSessions([row({ session: 's' })], new Map([['s', { part: 4, events: 3 }]]), 3)[0]!.session).toBe('s~5');
    expect(capSessions([row({ session: null })], new Map(), 3)[0]!.session).toBeNull();
  });

  it('stores every event of an oversized session: the first MAX_SESSION_EVENTS in it, the rest in its continuation', async () => {
    const total = MAX_SESSION_EVENTS + 150;
    for (let i = 0; i < total; i += 100) {
      const events = Array.from({ length: Math.min(100, total - i) }, (_, j) => event({ id: `e${i + j}`, ts: NOW - 100_000 + i + j }));
      expect((await post(app, batch(events))).status).toBe(202);
    }
    const sessions = await store.all('SELECT session, events, visitor, channel FROM sessions ORDER BY session');
    expect(sessions).toEqual([
      { session: 's1', events: MAX_SESSION_EVENTS, visitor: 'v1', channel: sessions[0]!.channel },
      { session: 's1~2', events: 150, visitor: 'v1', channel: sessions[0]!.channel },
    ]);
    expect(await store.all('SELECT COUNT(*) AS n FROM events')).toEqual([{ n: total }]);
    expect(await store.all('SELECT sessions FROM visitors')).toEqual([{ sessions: 2 }]);
  });
});

describe('adversarial client', () => {
  it("keeps honest requests' median latency within 2× of the quiet baseline", { timeout: 60_000 }, async () => {
    const honest = batchBodies('honest');
    const send = async (body: string) => {
      const t = performance.now();
      const res = await post(app, body);
      expect(res.status).toBe(202);
      return performance.now() - t;
    };
    const shape = { sessions: 4, eventsPerSession: 950 };
    for (const body of fillBodies('shop', NOW, shape)) await send(body);
    for (let i = 0; i < 5; i++) await send(honest().body); // warm-up (prepared statements, page cache)

    // Rounds of a quiet and an attacked second, so a change in the shared machine's load falls on
    // both. Honest requests go one after another, 20 ms apart; in an attacked second the
    // adversary sends an attack batch every 500 ms (120/min: under its 600/min limit, and more
    // than the 36/min at which the issue measured 5.3 s per honest request).
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const quiet: number[] = [];
    const loaded: number[] = [];
    const attacks: number[] = [];
    const honestFor = async (ms: number, into: number[]) => {
      for (const end = performance.now() + ms; performance.now() < end; await sleep(20)) into.push(await send(honest().body));
    };
    for (let round = 0, n = 0; round < 5; round++) {
      await honestFor(1000, quiet);
      let attacking = true;
      const adversary = (async () => {
        while (attacking) (attacks.push(await send(attackBody('shop', NOW, shape, n++))), await sleep(500));
      })();
      try {
        await honestFor(1000, loaded);
      } finally {
        attacking = false;
        await adversary;
      }
    }
    const figures = { quietMs: median(quiet), loadedMs: median(loaded), attackMs: median(attacks), attacks: attacks.length };
    console.log(
      'adversary:',
      JSON.stringify(figures, (_, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v)),
    );
    expect(attacks.length).toBeGreaterThan(3);
    expect(figures.loadedMs).toBeLessThanOrEqual(2 * figures.quietMs);
    // Nothing the adversary sent was lost: every attack event is stored, the sessions capped.
    const [{ n }] = (await store.all(`SELECT COUNT(*) AS n FROM events WHERE id LIKE 'atk-%'`)) as [{ n: number }];
    expect(n).toBe(attacks.length * 100);
    const [{ max }] = (await store.all(`SELECT MAX(events) AS max FROM sessions`)) as [{ max: number }];
    expect(max).toBeLessThanOrEqual(MAX_SESSION_EVENTS + 100);
  });
});
