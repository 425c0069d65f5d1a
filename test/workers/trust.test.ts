// Trust on Workers (issue 17): the country only from Cloudflare's CF-IPCountry (never X-Country),
// a channel only from a sender with a token, and per-site API tokens stored in D1 by the
// documented `npm run token -- create --sql` statement (its SQL, with the hash it prints).
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { INSERT_TOKEN_SQL, newToken, tokenHash } from '../../collector/auth/tokens';
import { event } from '../collector/fixtures';

function collect(events: Record<string, unknown>[], headers: Record<string, string> = {}, site = 'shop') {
  const now = Date.now();
  return exports.default.fetch('http://cjm.test/collect', {
    method: 'POST',
    body: JSON.stringify({ site, sent: now, events: events.map((e) => ({ ...e, ts: now - 1000 })) }),
    headers: { 'content-type': 'text/plain', ...headers },
  });
}
const country = async (id: string) =>
  (await env.DB.prepare('SELECT country FROM events WHERE id = ?').bind(id).first<{ country: string | null }>())?.country;

describe('Worker: trust', () => {
  it('stores the country from CF-IPCountry only; X-Country from a client is ignored', async () => {
    expect((await collect([event({ id: 'xc' })], { 'x-country': 'KP' })).status).toBe(202);
    expect((await collect([event({ id: 'cf' })], { 'cf-ipcountry': 'ch', 'x-country': 'KP' })).status).toBe(202);
    expect(await country('xc')).toBeNull();
    expect(await country('cf')).toBe('CH');
  });

  it('a channel needs a token: 403 without, stored with the admin token', async () => {
    const srv = event({ id: 'srv', user: 'u1', channel: 'store', type: 'event', name: 'order_shipped' });
    expect((await collect([srv])).status).toBe(403);
    expect((await collect([srv], { authorization: `Bearer ${env.CJM_ADMIN_TOKEN}` })).status).toBe(202);
  });

  it('a viewer token stored as the CLI prints it reads its own site only, and may not erase', async () => {
    const token = newToken();
    const hash = await tokenHash(token);
    await env.DB.prepare(INSERT_TOKEN_SQL).bind(hash, hash.slice(0, 12), 'shop', 'viewer', null, Date.now()).run();
    const get = (path: string, method = 'GET') =>
      exports.default.fetch(`http://cjm.test${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    expect((await get('/api/sites/shop/events')).status).toBe(200);
    expect((await get('/api/sites/blog/events')).status).toBe(403);
    expect((await get('/api/sites/shop/visitors/v1', 'DELETE')).status).toBe(403);
    await env.DB.prepare('DELETE FROM tokens WHERE id = ?').bind(hash.slice(0, 12)).run(); // revoke, as documented
    expect((await get('/api/sites/shop/events')).status).toBe(401);
  });
});
