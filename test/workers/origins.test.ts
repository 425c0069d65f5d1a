// CJM_SITES and CJM_ORIGINS as Worker vars: the same acceptance and CORS answers as on Node, and
// a malformed value reported as a 500 that names the variable.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../collector/worker/main';
import type { WorkerEnv } from '../../collector/worker/main';
import { event } from '../collector/fixtures';

async function send(vars: Partial<WorkerEnv>, origin?: string, site = 'shop'): Promise<Response> {
  const ctx = createExecutionContext();
  const body = JSON.stringify({ site, events: [event({ ts: Date.now() - 1000 })] });
  const headers: Record<string, string> = origin ? { origin } : {};
  const res = await worker.fetch(
    new Request('http://cjm.test/collect', { method: 'POST', body, headers }),
    { ...env, ...vars } as WorkerEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

describe('Worker: sites and origins from vars', () => {
  const vars = { CJM_SITES: 'shop,blog', CJM_ORIGINS: 'shop=https://shop.example|https://www.shop.example' };

  it('accepts a listed origin and echoes it', async () => {
    const res = await send(vars, 'https://www.shop.example');
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://www.shop.example');
  });

  it('refuses another origin for that site (403), not for a site without a list', async () => {
    const res = await send(vars, 'https://evil.example');
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe(
      'origin "https://evil.example" may not send events of site "shop" (see CJM_ORIGINS)',
    );
    expect((await send(vars, 'https://evil.example', 'blog')).status).toBe(202);
    expect((await send(vars, 'https://evil.example', 'docs')).status).toBe(403); // not in CJM_SITES
  });

  it('answers 500 naming the variable when CJM_ORIGINS is malformed', async () => {
    const res = await send({ CJM_ORIGINS: 'shop=shop.example' });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toMatch(/^collector misconfigured: CJM_ORIGINS: "shop.example"/);
  });
});
