// /collect's refusals and bot events in the collector's log: the first at once, then at most one
// summary a minute with a count per reason; through the real app and its real limits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../collector/app';
import { createRefusalLog } from '../../collector/limits/refusal-log';
import type { Store } from '../../collector/store/types';
import { NOW, TOKEN, UA, batch, event, post, tempStore } from './helpers';

let store: Store;
let cleanup: () => Promise<void>;
let lines: string[];
let clock: number;
let pending: (() => void) | undefined;

beforeEach(() => {
  ({ store, cleanup } = tempStore());
  lines = [];
  clock = NOW;
  pending = undefined;
});
afterEach(async () => cleanup());

function app(config: Parameters<typeof createApp>[0]['config']) {
  const refusals = createRefusalLog({ print: (l) => lines.push(l), now: () => clock, schedule: (fn) => (pending = fn) });
  return createApp({ store, config, now: () => clock, refusals, log: () => {} });
}

describe('refusal log', () => {
  it('logs the first refusal at once, then one summary a minute with counts per reason', async () => {
    const a = app({
      adminToken: TOKEN,
      sites: ['shop'],
      origins: new Map([['shop', ['https://shop.example']]]),
      rateLimits: { client: { limit: 3, windowMs: 60_000 } },
    });
    const wrongOrigin = { origin: 'http://127.0.0.1:8787', 'user-agent': UA.chrome };
    expect((await post(a, batch([event()]), wrongOrigin)).status).toBe(403);
    expect(lines).toEqual([
      'cjm: /collect since start: 1 × refused 403: origin "http://127.0.0.1:8787" may not send events of site "shop" (see CJM_ORIGINS) (repeats are summed up once a minute)',
    ]);
    expect((await post(a, batch([event({ id: 'e2' })]), wrongOrigin)).status).toBe(403);
    expect((await post(a, batch([event({ id: 'e3' })], { site: 'blog' }), { 'user-agent': UA.chrome })).status).toBe(403);
    // The same client (no IP here: told apart by User-Agent) has sent 3 in this minute: all 429.
    for (let i = 0; i < 3; i++) expect((await post(a, batch([event({ id: `r${i}` })]), { 'user-agent': UA.chrome })).status).toBe(429);
    expect(lines).toHaveLength(1); // nothing more within the minute …
    clock += 60_000;
    pending!(); // … until the timer fires
    expect(lines[1]).toBe(
      'cjm: /collect since the last summary: 3 × refused 429: too many requests from this client: at most 3 per min; ' +
        '1 × refused 403: origin "http://127.0.0.1:8787" may not send events of site "shop" (see CJM_ORIGINS); ' +
        '1 × refused 403: site: "blog" is not accepted by this collector (see CJM_SITES)',
    );
    pending!();
    expect(lines).toHaveLength(2); // nothing new: no line
  });

  it('counts the events stored as bots, with their User-Agent', async () => {
    const a = app({ adminToken: TOKEN });
    const curl = { 'user-agent': 'curl/8.5.0' };
    expect((await post(a, batch([event({ id: 'c1' }), event({ id: 'c2' })]), curl)).status).toBe(202);
    expect(lines).toEqual([
      'cjm: /collect since start: 2 × stored as bots, left out of the report: User-Agent "curl/8.5.0" (docs/protocol.md#test-traffic-and-bots) (repeats are summed up once a minute)',
    ]);
    // A server-side event naming its channel is not a bot, curl or not.
    expect((await post(a, batch([event({ id: 'c3', channel: 'store' })]), { ...curl, authorization: `Bearer ${TOKEN}` })).status).toBe(202);
    clock += 60_000;
    pending?.();
    expect(lines).toHaveLength(1);
  });
});
