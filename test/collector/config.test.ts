// Collector configuration from env-like records (process.env on Node, bindings on Workers).
import { describe, expect, it } from 'vitest';
import { configFromEnv, parseSites } from '../../collector/config';

describe('configFromEnv', () => {
  it('reads the admin token and the site list', () => {
    expect(configFromEnv({ CJM_ADMIN_TOKEN: ' abcdefghijklmnop0123 ', CJM_SITES: 'shop, blog,,docs ' })).toEqual({
      adminToken: 'abcdefghijklmnop0123',
      sites: ['shop', 'blog', 'docs'],
    });
  });

  it('accepts any site when CJM_SITES is unset', () => {
    expect(configFromEnv({ CJM_ADMIN_TOKEN: 'x'.repeat(32) }).sites).toEqual([]);
  });

  it('ignores non-string bindings (Workers env holds D1 objects too)', () => {
    expect(configFromEnv({ CJM_ADMIN_TOKEN: 'x'.repeat(32), DB: {}, CJM_SITES: 42 }).sites).toEqual([]);
  });

  it('refuses a missing, short or unusable token', () => {
    expect(() => configFromEnv({})).toThrow(/CJM_ADMIN_TOKEN must be at least 16 characters/);
    expect(() => configFromEnv({ CJM_ADMIN_TOKEN: 'short' })).toThrow(/CJM_ADMIN_TOKEN/);
    // Local development may use a short token when it says so; a bad alphabet never passes.
    expect(configFromEnv({ CJM_ADMIN_TOKEN: 'secret', CJM_ALLOW_SHORT_TOKEN: '1' }).adminToken).toBe('secret');
    expect(() => configFromEnv({ CJM_ADMIN_TOKEN: 'secret', CJM_ALLOW_SHORT_TOKEN: 'yes' })).toThrow(/CJM_ADMIN_TOKEN/);
    expect(() => configFromEnv({ CJM_ADMIN_TOKEN: 'a b', CJM_ALLOW_SHORT_TOKEN: '1' })).toThrow(/CJM_ADMIN_TOKEN/);
    expect(() => configFromEnv({ CJM_ALLOW_SHORT_TOKEN: '1' })).toThrow(/CJM_ADMIN_TOKEN/);
    expect(() => configFromEnv({ CJM_ADMIN_TOKEN: 'has spaces in it, 1234567' })).toThrow(/CJM_ADMIN_TOKEN/);
  });

  it('parseSites drops blanks', () => {
    expect(parseSites(undefined)).toEqual([]);
    expect(parseSites(' , ')).toEqual([]);
  });
});

describe('one reader for both runtimes', () => {
  it('Node (npm start) and Workers read the same settings from the same variables', async () => {
    const { startOptionsFromEnv } = await import('../../collector/node/env-options');
    const env = {
      CJM_ADMIN_TOKEN: 'y'.repeat(32),
      CJM_SITES: 'shop,blog',
      CJM_STAGES: 'discover,choose,buy,use',
      CJM_ORIGINS: 'shop=https://shop.example',
      CJM_RATE_LIMIT: '20/s',
      CJM_MAX_SITES: '5',
      CJM_RETENTION_DAYS: '400',
      CJM_TARGETS: '[{"stage":"buy","metric":"completion","min":0.05}]',
      CJM_SURVEYS:
        '[{"id":"hear","question":"How did you hear about us?","type":"single","choices":["Friend","Search"],"trigger":{"on":"purchase"}}]',
    };
    const worker = configFromEnv(env);
    const node = startOptionsFromEnv(env).options;
    for (const key of [
      'adminToken',
      'sites',
      'stages',
      'origins',
      'rateLimits',
      'quotas',
      'retentionDays',
      'targets',
      'surveys',
    ] as const) {
      expect(node[key], key).toEqual(worker[key]);
      expect(worker[key], key).toBeDefined();
    }
  });

  it('both refuse a stage named twice, naming the variable', async () => {
    const { startOptionsFromEnv } = await import('../../collector/node/env-options');
    const env = { CJM_ADMIN_TOKEN: 'y'.repeat(32), CJM_STAGES: 'a,b,a' };
    expect(() => configFromEnv(env)).toThrow(/CJM_STAGES names a stage twice/);
    expect(() => startOptionsFromEnv(env)).toThrow(/CJM_STAGES names a stage twice/);
  });
});
