// Which sites and browser origins /collect accepts (CJM_SITES, CJM_ORIGINS), how CORS answers,
// and how the configuration is read and checked.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFromEnv, type CollectorConfig } from '../../collector/config';
import { parseOrigins, parseRetentionDays, parseFlag } from '../../collector/settings';
import type { Store } from '../../collector/store/types';
import { TOKEN, batch, event, post, rows, tempStore, testApp } from './helpers';

let store: Store;
let cleanup: () => Promise<void>;

beforeEach(() => {
  ({ store, cleanup } = tempStore());
});
afterEach(async () => {
  await cleanup();
});

const appWith = (config: Partial<CollectorConfig>) => testApp(store, { config: { adminToken: TOKEN, ...config } }).app;

const SHOP = 'https://shop.example';
const WWW = 'https://www.shop.example';
const EVIL = 'https://evil.example';

describe('CJM_ORIGINS on /collect', () => {
  const config = () =>
    configFromEnv({ CJM_ADMIN_TOKEN: TOKEN, CJM_SITES: 'shop,blog', CJM_ORIGINS: `shop=${SHOP}|${WWW};blog=https://blog.example` });

  it('accepts a site from its origins and echoes the origin (Vary: Origin)', async () => {
    const app = appWith(config());
    for (const origin of [SHOP, WWW]) {
      const res = await post(app, batch([event()]), { origin });
      expect(res.status).toBe(202);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('vary')).toMatch(/origin/i);
    }
    expect(await rows(store)).toHaveLength(2);
  });

  it('refuses another origin with 403 and a clear error, storing nothing', async () => {
    const app = appWith(config());
    for (const origin of [EVIL, 'https://blog.example', 'null', 'http://shop.example']) {
      const res = await post(app, batch([event()]), { origin });
      expect(res.status, origin).toBe(403);
      expect(await res.json()).toEqual({ error: `origin ${JSON.stringify(origin)} may not send events of site "shop" (see CJM_ORIGINS)` });
      // Readable by the page, so the SDK drops the events instead of resending them forever.
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    }
    expect(await rows(store)).toEqual([]);
  });

  it('accepts requests without an Origin header (server-side senders)', async () => {
    const res = await post(appWith(config()), batch([event()]));
    expect(res.status).toBe(202);
  });

  it('answers the preflight of an allowed origin, and refuses others', async () => {
    const app = appWith(config());
    const preflight = (origin: string) =>
      app.request('/collect', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const ok = await preflight(WWW);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(WWW);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/content-type/i);
    const bad = await preflight(EVIL);
    expect(bad.status).toBe(403);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await bad.json()) as { error: string }).error).toMatch(/may not send to this collector \(see CJM_ORIGINS\)/);
  });

  it('a site without a list accepts any origin (and so does the preflight)', async () => {
    const app = appWith(configFromEnv({ CJM_ADMIN_TOKEN: TOKEN, CJM_ORIGINS: `shop=${SHOP}` }));
    expect((await post(app, batch([event()], { site: 'docs' }), { origin: EVIL })).status).toBe(202);
    expect((await post(app, batch([event()]), { origin: EVIL })).status).toBe(403);
    const pre = await app.request('/collect', { method: 'OPTIONS', headers: { origin: EVIL, 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
  });
});

describe('no configuration (the development default)', () => {
  it('accepts any site from any origin with Access-Control-Allow-Origin: *', async () => {
    const app = appWith({});
    const res = await post(app, batch([event()], { site: 'anything-1' }), { origin: EVIL });
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/retry-after/i);
  });

  it('CJM_SITES restricts the site ids (403 names the variable)', async () => {
    const app = appWith(configFromEnv({ CJM_ADMIN_TOKEN: TOKEN, CJM_SITES: 'shop' }));
    const res = await post(app, batch([event()], { site: 'blog' }));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe('site: "blog" is not accepted by this collector (see CJM_SITES)');
    expect((await post(app, batch([event()]))).status).toBe(202);
  });
});

describe('reading the configuration', () => {
  it('parseOrigins reads site=origin|origin;site=origin, normalising as browsers send Origin', () => {
    expect(parseOrigins(` shop = https://Shop.Example:443/ | http://localhost:3000 ; blog=https://blog.example `)).toEqual(
      new Map([
        ['shop', ['https://shop.example', 'http://localhost:3000']],
        ['blog', ['https://blog.example']],
      ]),
    );
    expect(parseOrigins('')).toEqual(new Map());
  });

  it('parseOrigins refuses what could never match an Origin header', () => {
    expect(() => parseOrigins('shop')).toThrow(/CJM_ORIGINS: expected site=/);
    expect(() => parseOrigins('shop=')).toThrow(/lists no origin/);
    expect(() => parseOrigins('shop=shop.example')).toThrow(/is not an origin/);
    expect(() => parseOrigins('shop=https://shop.example/path')).toThrow(/is not an origin/);
    expect(() => parseOrigins('shop=ftp://shop.example')).toThrow(/is not an origin/);
    expect(() => parseOrigins('bad site=https://a.example')).toThrow(/CJM_ORIGINS/);
  });

  it('configFromEnv reads every variable, and leaves out what is unset', () => {
    const config = configFromEnv({
      CJM_ADMIN_TOKEN: TOKEN,
      CJM_SITES: 'shop',
      CJM_ORIGINS: `shop=${SHOP}`,
      CJM_RATE_LIMIT: '100/min',
      CJM_SITE_RATE_LIMIT: 'off',
      CJM_RETENTION_DAYS: '400',
    });
    expect(config).toEqual({
      adminToken: TOKEN,
      sites: ['shop'],
      origins: new Map([['shop', [SHOP]]]),
      rateLimits: { client: { limit: 100, windowMs: 60_000 }, site: null },
      retentionDays: 400,
    });
    expect(configFromEnv({ CJM_ADMIN_TOKEN: TOKEN, CJM_ORIGINS: '', CJM_RATE_LIMIT: '', CJM_RETENTION_DAYS: '0' })).toEqual({
      adminToken: TOKEN,
      sites: [],
    });
  });

  it('refuses origins for a site that CJM_SITES refuses, and bad numbers', () => {
    expect(() => configFromEnv({ CJM_ADMIN_TOKEN: TOKEN, CJM_SITES: 'shop', CJM_ORIGINS: `blog=${SHOP}` })).toThrow(
      /CJM_ORIGINS names site "blog", which CJM_SITES \(shop\) does not accept/,
    );
    expect(() => parseRetentionDays('30d')).toThrow(/CJM_RETENTION_DAYS must be a whole number of days/);
    expect(parseRetentionDays(' 30 ')).toBe(30);
    expect(parseFlag('CJM_TRUST_PROXY', '1')).toBe(true);
    expect(parseFlag('CJM_TRUST_PROXY', undefined)).toBe(false);
    expect(() => parseFlag('CJM_TRUST_PROXY', 'maybe')).toThrow(/CJM_TRUST_PROXY must be 1 or 0/);
  });
});
