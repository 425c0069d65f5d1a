// Per-site API tokens (issue 17: one global admin token read and erased every site): created,
// listed and revoked by the CLI (`npm run token`), stored hashed, a viewer reads one site, an
// admin also erases it, CJM_ADMIN_TOKEN stays the super-admin of every site.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTokenCli } from '../../collector/node/token-cli';
import type { SqlStore } from '../../collector/store/types';
import { NOW, TOKEN, batch, event, post, tempStore, testApp } from './helpers';

let store: SqlStore;
let path: string;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];

beforeEach(async () => {
  ({ store, path, cleanup } = tempStore());
  ({ app } = testApp(store));
  for (const site of ['shop', 'blog']) expect((await post(app, batch([event({ visitor: 'v1' })], { site }))).status).toBe(202);
});
afterEach(() => cleanup());

const create = async (site: string, role: string, extra: string[] = []) => {
  const out = await runTokenCli(['create', '--site', site, '--role', role, ...extra], path, NOW);
  return { out, token: /cjm_[A-Za-z0-9_-]{43}/.exec(out)![0], id: /id: ([0-9a-f]{12})/.exec(out)![1]! };
};
const as = (token: string, method: string, url: string) => app.request(url, { method, headers: { authorization: `Bearer ${token}` } });
const report = (site: string) => `/api/sites/${site}/journey?from=${NOW - 86_400_000}&to=${NOW + 1000}`;

describe('per-site tokens', () => {
  it('a viewer reads its own site (report, CSV, export) and nothing else; it cannot erase', async () => {
    const { token } = await create('shop', 'viewer', ['--name', 'agency dashboard']);
    expect((await as(token, 'GET', report('shop'))).status).toBe(200);
    expect((await as(token, 'GET', report('shop').replace('journey', 'journey.csv'))).status).toBe(200);
    expect((await as(token, 'GET', '/api/sites/shop/events')).status).toBe(200);
    const other = await as(token, 'GET', report('blog'));
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({ error: 'forbidden: this token is for site "shop" only' });
    const erase = await as(token, 'DELETE', '/api/sites/shop/visitors/v1');
    expect(erase.status).toBe(403);
    expect(((await erase.json()) as { error: string }).error).toMatch(/viewer token of site "shop" may only read/);
    expect(await store.all(`SELECT COUNT(*) AS n FROM events WHERE site = 'shop'`)).toEqual([{ n: 1 }]);
  });

  it('an admin also erases, on its own site only; CJM_ADMIN_TOKEN stays the super-admin', async () => {
    const { token } = await create('shop', 'admin');
    expect((await as(token, 'DELETE', '/api/sites/blog/visitors/v1')).status).toBe(403);
    expect(await (await as(token, 'DELETE', '/api/sites/shop/visitors/v1')).json()).toEqual({ deleted: 1, visitors: ['v1'] });
    expect(await (await as(TOKEN, 'DELETE', '/api/sites/blog/visitors/v1')).json()).toEqual({ deleted: 1, visitors: ['v1'] });
    expect((await as(TOKEN, 'GET', report('shop'))).status).toBe(200);
  });

  it('stored as a SHA-256 only, listed by id, revoked: then refused', async () => {
    const { token, id } = await create('shop', 'viewer', ['--name', 'agency']);
    const db = new DatabaseSync(path, { readOnly: true });
    const rows = db.prepare('SELECT hash, id, site, role, name FROM tokens').all();
    db.close();
    const hash = createHash('sha256').update(token).digest('hex');
    expect(rows).toEqual([{ hash, id: hash.slice(0, 12), site: 'shop', role: 'viewer', name: 'agency' }]);
    for (const f of [path, `${path}-wal`]) expect(readFileSync(f).includes(token)).toBe(false);
    expect(await runTokenCli(['list'], path, NOW)).toBe(`${id}  shop  viewer  ${new Date(NOW).toISOString()}  agency`);
    expect(await runTokenCli(['revoke', id], path, NOW)).toBe(`revoked ${id}`);
    const res = await as(token, 'GET', report('shop'));
    expect(res.status).toBe(401);
    await expect(runTokenCli(['revoke', id], path, NOW)).rejects.toThrow(`no token with id ${id}`);
    await expect(runTokenCli(['create', '--site', 'shop', '--role', 'owner'], path, NOW)).rejects.toThrow(/--role: viewer .* or admin/);
  });

  it('--sql prints the wrangler d1 command for Workers; its SQL makes a working token', async () => {
    const { out, token } = await create('shop', 'viewer', ['--sql']);
    const sql = /npx wrangler d1 execute DB --remote --command "(.+)"$/m.exec(out)![1]!;
    const db = new DatabaseSync(path);
    db.exec(sql); // the same SQLite dialect as D1
    db.close();
    expect((await as(token, 'GET', report('shop'))).status).toBe(200);
    expect((await as(token, 'GET', report('blog'))).status).toBe(403);
  });

  it('an unknown token of the right shape is 401', async () => {
    expect((await as(`cjm_${'A'.repeat(43)}`, 'GET', report('shop'))).status).toBe(401);
  });
});

describe('server-side senders on /collect', () => {
  const backstage = (site: string) =>
    batch([event({ id: `srv-${site}`, user: 'u1', channel: 'store', type: 'event', name: 'order_shipped' })], { site });

  it("a site's admin token may name a channel for its site; a viewer token or another site's may not", async () => {
    const admin = await create('shop', 'admin');
    const viewer = await create('shop', 'viewer');
    expect((await post(app, backstage('shop'), { authorization: `Bearer ${viewer.token}` })).status).toBe(401);
    const other = await post(app, backstage('blog'), { authorization: `Bearer ${admin.token}` });
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: string }).error).toMatch(/^events\[0\]\.channel: only a server-side sender with a token/);
    expect((await post(app, backstage('shop'), { authorization: `Bearer ${admin.token}` })).status).toBe(202);
    expect(await store.all(`SELECT site, channel FROM events WHERE id LIKE 'srv-%'`)).toEqual([{ site: 'shop', channel: 'store' }]);
  });
});
