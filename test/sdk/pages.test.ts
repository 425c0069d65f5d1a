// Page views on load and on SPA navigation, the replaceState rule, hash routing, the stub.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { settle, show, start } from './harness';

const views = (h: Awaited<ReturnType<typeof start>>) => {
  h.sdk.flush();
  return settle().then(() =>
    h
      .events()
      .filter((e) => e.type == 'pageview')
      .map((e) => e.name + (new URL(e.url!).hash || '')),
  );
};

beforeEach(() => {
  show();
  history.replaceState(null, '', '/');
});
afterEach(() => vi.unstubAllGlobals());

describe('SPA navigation', () => {
  it('counts the load, pushState to a new URL and popstate', async () => {
    const h = await start();
    history.pushState(null, '', '/products');
    history.pushState(null, '', '/products?page=2');
    history.pushState(null, '', '/products?page=2'); // same URL: not a new view
    history.replaceState(null, '', '/'); // path changed
    window.dispatchEvent(new PopStateEvent('popstate'));
    history.back; // jsdom does not navigate; popstate with an unchanged URL adds nothing
    expect(await views(h)).toEqual(['/', '/products', '/products', '/']);
  });

  it('ignores replaceState that keeps the path (routers storing state)', async () => {
    const h = await start();
    for (let i = 0; i < 20; i++) history.replaceState({ scroll: i }, '', '/?tab=' + i);
    history.replaceState(null, '', '/about');
    expect(await views(h)).toEqual(['/', '/about']);
  });

  it('gives an SPA view the previous view as referrer', async () => {
    const h = await start();
    history.pushState(null, '', '/next');
    h.sdk.flush();
    await settle();
    const [first, second] = h.events().filter((e) => e.type == 'pageview');
    expect(second.referrer).toBe(first.url);
  });

  it('counts hash routes only when asked to', async () => {
    const plain = await start();
    location.hash = '#/a';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    expect(await views(plain)).toEqual(['/']);

    history.replaceState(null, '', '/');
    const hashed = await start({ hash: true });
    location.hash = '#/settings';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    expect(await views(hashed)).toEqual(['/', '/#/settings']);
  });

  it('sends no page views with pageviews: false', async () => {
    const h = await start({ pageviews: false });
    history.pushState(null, '', '/x');
    expect(await views(h)).toEqual([]);
  });
});

describe('early calls', () => {
  it('keeps calls made before init and replays them in order', async () => {
    vi.resetModules();
    const sdk = await import('../../sdk/index');
    const sent: string[] = [];
    vi.stubGlobal('fetch', async (_u: string, init: RequestInit) => {
      sent.push(...JSON.parse(init.body as string).events.map((e: { name: string }) => e.name));
      return new Response(null, { status: 202 });
    });
    sdk.track('first');
    sdk.track('second');
    sdk.init({ site: 'early', pageviews: false, endpoint: 'http://c.test/collect' });
    sdk.track('third');
    sdk.flush();
    await settle();
    expect(sent).toEqual(['first', 'second', 'third']);
  });

  it('the documented inline stub queues cjm.track() until the script loads, then replays in order', async () => {
    const readme = await import('node:fs').then((fs) => fs.readFileSync('README.md', 'utf8'));
    const stub = readme.match(/<script>(window\.cjm=.*?)<\/script>/)?.[1];
    expect(stub, 'README shows the inline stub').toBeTruthy();
    delete (window as { cjm?: unknown }).cjm;
    new Function(stub!)();
    const w = window as unknown as { cjm: { track(n: string, p?: object): void; identify(id: string): void } };
    w.cjm.track('before-load', { n: 1 });
    w.cjm.identify('user-7');
    w.cjm.track('also-before');

    const sent: { name: string; user?: string }[] = [];
    vi.stubGlobal('fetch', async (_u: string, init: RequestInit) => {
      sent.push(...JSON.parse(init.body as string).events);
      return new Response(null, { status: 202 });
    });
    const script = document.createElement('script');
    script.src = 'http://collector.test/cjm.js';
    script.dataset.site = 'stubbed';
    Object.defineProperty(document, 'currentScript', { configurable: true, get: () => script });
    vi.resetModules();
    await import('../../sdk/loader');
    Object.defineProperty(document, 'currentScript', { configurable: true, get: () => null });
    w.cjm.track('after-load');
    (w.cjm as unknown as { flush(): void }).flush();
    await settle();
    expect(sent.map((e) => e.name)).toEqual(['/', 'before-load', 'identify', 'also-before', 'after-load']);
    expect(sent.at(-1)!.user).toBe('user-7');
  });
});
