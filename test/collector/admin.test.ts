// The admin API (/api/*): the token is required on every route and compared in constant time
// (hono bearerAuth), replies carry security headers, filters are bound parameters (an SQL
// injection attempt gets a 4xx or an empty result and changes nothing), and the erasure route.
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../collector/store/types';
import { NOW, TOKEN, batch, event, ndjson, post, tempStore, testApp } from './helpers';

let store: Store;
let path: string;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];

beforeEach(async () => {
  ({ store, path, cleanup } = tempStore());
  ({ app } = testApp(store));
  const res = await post(
    app,
    batch([
      event({ id: 'a1', visitor: 'vA', session: 'sA' }),
      event({ id: 'a2', visitor: 'vA', session: 'sA', type: 'identify', name: 'identify', user: "o'brien@example.com" }),
      event({ id: 'b1', visitor: 'vB', session: 'sB', user: "o'brien@example.com" }),
      event({ id: 'c1', visitor: 'vC', session: 'sC', user: "x'); DROP TABLE events; --" }),
    ]),
  );
  expect(res.status).toBe(202);
});
afterEach(async () => {
  await cleanup();
});

const auth = { authorization: `Bearer ${TOKEN}` };
const req = (path: string, method = 'GET', headers: Record<string, string> = auth) => app.request(path, { method, headers });

/** Row counts of every table, read on a connection of its own. */
function counts(): Record<string, number> {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => String(r.name));
    return Object.fromEntries(tables.map((t) => [t, Number((db.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n)]));
  } finally {
    db.close();
  }
}

describe('admin token', () => {
  const routes: [string, string][] = [
    ['GET', '/api/sites/shop/events'],
    ['DELETE', '/api/sites/shop/visitors/vA'],
    ['GET', '/api/sites/shop/journey'],
    ['GET', '/api/anything/else'],
  ];

  it.each(routes)('%s %s needs it: missing, wrong (same length), in the query string → 401; Basic → 400', async (method, url) => {
    const wrong = TOKEN.slice(0, -1) + (TOKEN.endsWith('a') ? 'b' : 'a');
    for (const [headers, status] of [
      [{}, 401],
      [{ authorization: `Bearer ${wrong}` }, 401],
      [{ authorization: `Basic ${btoa(`admin:${TOKEN}`)}` }, 400],
    ] as const) {
      const res = await req(url, method, headers);
      expect(res.status, JSON.stringify(headers)).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(/^(unauthorized|malformed Authorization)/);
    }
    expect((await req(`${url}?token=${TOKEN}`, method, {})).status).toBe(401);
    expect(counts().events).toBe(4);
  });

  it('replies carry security headers (no sniffing, no framing, same-origin)', async () => {
    for (const res of [await req('/api/sites/shop/events'), await req('/api/sites/shop/events', 'GET', {})]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });
});

describe('SQL injection attempts', () => {
  const attacks = ["' OR '1'='1", '1; DROP TABLE events; --', "shop' --", '1 UNION SELECT * FROM sessions', '%27%20OR%201%3D1', '\u0000'];

  it.each(attacks)('in the export filters (%j): 4xx or empty, nothing changed', async (attack) => {
    const before = counts();
    const q = encodeURIComponent(attack);
    for (const url of [
      `/api/sites/${q}/events`,
      `/api/sites/shop/events?from=${q}`,
      `/api/sites/shop/events?to=${q}`,
      `/api/sites/shop/events?from=0&to=${q}`,
    ]) {
      const res = await req(url);
      if (res.status === 200) expect(await ndjson(res)).toEqual([]);
      else expect([400, 404], url).toContain(res.status);
    }
    const erase = await req(`/api/sites/shop/visitors/${q}`, 'DELETE');
    expect(erase.status).toBe(200);
    expect(await erase.json()).toEqual({ deleted: 0, visitors: [] });
    // Besides the erasure's tombstones (migration 0006: the id asked for, as a visitor and as a
    // user id, even unknown), which hold the attack as plain text.
    expect(counts()).toEqual({ ...before, erasures: before.erasures! + 2 });
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      expect(db.prepare('SELECT kind, id FROM erasures ORDER BY kind').all()).toEqual([
        { kind: 'user', id: attack },
        { kind: 'visitor', id: attack },
      ]);
    } finally {
      db.close();
    }
  });

  it('stored text that looks like SQL stays text', async () => {
    const rows = await ndjson(await req('/api/sites/shop/events'));
    expect(rows.find((r) => r.id === 'c1')).toMatchObject({ user: "x'); DROP TABLE events; --" });
    expect(counts().events).toBe(4);
  });
});

describe('DELETE /api/sites/:site/visitors/:id', () => {
  it('erases the visitor and its identify-linked visitors; a user id works as the id too', async () => {
    const res = await req('/api/sites/shop/visitors/vB', 'DELETE');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ deleted: 3, visitors: ['vA', 'vB'] });
    const left = await ndjson(await req('/api/sites/shop/events'));
    expect(left.map((r) => r.id)).toEqual(['c1']);
    const byUser = await req(`/api/sites/shop/visitors/${encodeURIComponent("x'); DROP TABLE events; --")}`, 'DELETE');
    expect(await byUser.json()).toEqual({ deleted: 1, visitors: ['vC'] });
    expect(counts()).toMatchObject({ events: 0, sessions: 0, visitors: 0 });
  });

  it('takes any user id, percent-encoded (slashes, pipes, spaces, unicode)', async () => {
    const user = 'auth0|a/b c?#é';
    expect((await post(app, batch([event({ id: 'u1', visitor: 'vU', user })]))).status).toBe(202);
    const res = await req(`/api/sites/shop/visitors/${encodeURIComponent(user)}`, 'DELETE');
    expect(await res.json()).toEqual({ deleted: 1, visitors: ['vU'] });
  });

  it('refuses a bad site or an over-long id with 400', async () => {
    expect((await req('/api/sites/bad%20site/visitors/vA', 'DELETE')).status).toBe(400);
    const long = await req(`/api/sites/shop/visitors/${'x'.repeat(129)}`, 'DELETE');
    expect(long.status).toBe(400);
    expect(((await long.json()) as { error: string }).error).toMatch(/^id: must be a visitor or user id/);
  });

  it('answers 503 with Retry-After when the store fails, erasing nothing', async () => {
    const broken = { ...store, eraseVisitor: async () => Promise.reject(new Error('database is locked')) } as Store;
    const { app: a, logged } = testApp(broken, { now: () => NOW });
    const res = await a.request('/api/sites/shop/visitors/vA', { method: 'DELETE', headers: auth });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(String(logged[0])).toContain('database is locked');
    expect(counts().events).toBe(4);
  });
});
