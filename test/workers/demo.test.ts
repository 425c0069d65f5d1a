// The demo shop on the Worker: examples/ is copied into the static assets under /demo/
// (scripts/worker-assets.mjs), and the asset router answers its folders with index.html.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

const get = (path: string) => exports.default.fetch(`http://cjm.test${path}`);

describe('demo shop on the Worker', () => {
  it('serves every page of the shop and the SPA at its folder URL', async () => {
    const pages: Record<string, string> = {
      '/demo/': 'Gear for long days outside',
      '/demo/spring-sale/': 'Spring sale',
      '/demo/products/trail-runner/': 'data-cjm-checkout="view_item"',
      '/demo/cart/': 'data-cjm-checkout="begin_checkout"',
      '/demo/checkout/payment/': 'data-cjm-checkout="add_payment_info"',
      '/demo/thank-you/': 'thank-you.js',
      '/demo/help/': 'data-cjm-feedback="5"',
      '/demo/spa/': '/demo/spa/app.js',
    };
    for (const [path, text] of Object.entries(pages)) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/text\/html/);
      const html = await res.text();
      expect(html, path).toContain(text);
      if (path !== '/demo/spa/') expect(html, path).toContain('<script defer src="/cjm.js" data-site="shop"');
    }
  });

  it('serves the shared stylesheet and scripts', async () => {
    for (const [path, type] of [
      ['/demo/assets/shop.css', /text\/css/],
      ['/demo/assets/shop.js', /javascript/],
      ['/demo/spa/app.js', /javascript/],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(type);
      await res.arrayBuffer();
    }
  });
});
