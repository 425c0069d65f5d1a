// The dashboard on the Worker: the page at / and its files under /dashboard/ come from the
// static assets (dist/dashboard/, copied by scripts/worker-assets.mjs) with the same strict
// security headers as on Node.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import securityHeaders from '../../collector/dashboard/security-headers.json' with { type: 'json' };

describe('Worker: dashboard', () => {
  it('serves the page and its script and stylesheet with the CSP, nosniff and no referrer', async () => {
    for (const [path, type] of [
      ['/', /text\/html/],
      ['/dashboard/app.js', /javascript/],
      ['/dashboard/app.css', /text\/css/],
    ] as const) {
      const res = await exports.default.fetch(`http://cjm.test${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(type);
      for (const [name, value] of Object.entries(securityHeaders)) expect(res.headers.get(name), `${path} ${name}`).toBe(value);
      const body = await res.text();
      if (path === '/') expect(body).toContain('<script defer src="/dashboard/app.js"></script>');
    }
    expect(securityHeaders['Content-Security-Policy']).toMatch(
      /script-src 'self'.*object-src 'none'.*frame-ancestors 'none'.*base-uri 'none'/,
    );
  });

  it('keeps the admin API behind the token', async () => {
    const res = await exports.default.fetch('http://cjm.test/api/sites/shop/events');
    expect(res.status).toBe(401);
  });
});
