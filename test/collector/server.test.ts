// The Node entry: startServer() on a free port with a temp database, static files, the admin
// token file, and `tsx collector/node/main.ts` as a real process.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../collector/node/server';
import { NOW, TOKEN, batch, event, rows, tempDir } from './helpers';

let tmp: ReturnType<typeof tempDir>;
let server: RunningServer | undefined;
let printed: string[];

beforeEach(() => {
  tmp = tempDir();
  printed = [];
  const dist = join(tmp.dir, 'dist');
  const examples = join(tmp.dir, 'examples');
  mkdirSync(join(examples, 'spa'), { recursive: true });
  mkdirSync(dist);
  writeFileSync(join(dist, 'cjm.js'), 'window.cjm={};');
  writeFileSync(join(dist, 'cjm-capture.mjs'), 'export const c=1;');
  writeFileSync(join(dist, 'cjm-vitals.mjs'), 'export const v=1;');
  writeFileSync(join(dist, 'secret.txt'), 'no');
  writeFileSync(join(examples, 'index.html'), '<h1>demo shop</h1>');
  writeFileSync(join(examples, 'spa', 'index.html'), '<h1>spa</h1>');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  tmp.cleanup();
});

const start = (over: Parameters<typeof startServer>[0] = {}) =>
  startServer({
    port: 0,
    dbPath: join(tmp.dir, 'data', 'cjm.db'),
    distDir: join(tmp.dir, 'dist'),
    examplesDir: join(tmp.dir, 'examples'),
    print: (line) => printed.push(line),
    ...over,
  });

describe('startServer', () => {
  it('listens on 127.0.0.1 on a free port; collects and exports over real HTTP', async () => {
    server = await start({ adminToken: TOKEN });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const body = JSON.stringify(batch([event({ id: 'http1', ts: Date.now() - 10 })], { sent: Date.now() }));
    const res = await fetch(`${server.url}/collect`, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
    const out = await fetch(`${server.url}/api/sites/shop/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(
      (await out.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(['http1']);
    expect(printed.join('\n')).toContain('admin token: from CJM_ADMIN_TOKEN');
    expect(printed.join('\n')).not.toContain(TOKEN);
  });

  it('generates an admin token once, keeps it owner-only in the data folder, and prints it', async () => {
    server = await start();
    const file = join(tmp.dir, 'data', 'admin-token');
    const token = readFileSync(file, 'utf8').trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(server.adminToken).toBe(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(printed.join('\n')).toContain(token);
    expect(printed.join('\n')).toContain('accepting any site id (development default); set CJM_SITES to restrict');
    expect(printed.join('\n')).toContain(`${server.url}/demo/`);
    await server.close();
    server = await start();
    expect(server.adminToken).toBe(token);
    const res = await fetch(`${server.url}/api/sites/shop/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  });

  it('says when sites are restricted, and enforces it', async () => {
    server = await start({ adminToken: TOKEN, sites: ['blog'] });
    expect(printed.join('\n')).toContain('accepting only blog');
    const res = await fetch(`${server.url}/collect`, {
      method: 'POST',
      body: JSON.stringify(batch([event({ ts: Date.now() })], { sent: Date.now() })),
    });
    expect(res.status).toBe(403);
  });

  it('serves the SDK build: cacheable, loadable from any origin', async () => {
    server = await start({ adminToken: TOKEN });
    // cjm-capture.mjs and cjm-vitals.mjs are imported by the script tag from other origins.
    for (const file of ['cjm.js', 'cjm-capture.mjs', 'cjm-vitals.mjs']) {
      const res = await fetch(`${server.url}/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
    expect(await (await fetch(`${server.url}/cjm.js`)).text()).toBe('window.cjm={};');
    expect((await fetch(`${server.url}/secret.txt`)).status).toBe(404);
    expect((await fetch(`${server.url}/cjm-missing.js`)).status).toBe(404);
  });

  it('serves the demo under /demo/, with index.html for folders', async () => {
    server = await start({ adminToken: TOKEN });
    const noFollow = { redirect: 'manual' } as const;
    const bare = await fetch(`${server.url}/demo`, noFollow);
    expect([bare.status, bare.headers.get('location')]).toEqual([301, '/demo/']);
    const index = await fetch(`${server.url}/demo/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await index.text()).toContain('demo shop');
    const sub = await fetch(`${server.url}/demo/spa`, noFollow);
    expect([sub.status, sub.headers.get('location')]).toEqual([301, '/demo/spa/']);
    expect(await (await fetch(`${server.url}/demo/spa/`)).text()).toContain('spa');
    expect((await fetch(`${server.url}/demo/%2e%2e/dist/secret.txt`)).status).toBe(404);
    expect((await fetch(`${server.url}/demo/nothing.html`)).status).toBe(404);
  });

  it("answers the SPA's own routes with its page (reload, shared link) and sends a normal site's referrer policy", async () => {
    server = await start({ adminToken: TOKEN });
    for (const path of ['/demo/spa/trips/stubai-huts/', '/demo/spa/checklist']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain('<h1>spa</h1>');
    }
    expect((await fetch(`${server.url}/demo/shop/nothing/`)).status).toBe(404); // outside the SPA: still 404
    // The shop's pages must see each other as referrer, like a customer's own site.
    const page = await fetch(`${server.url}/demo/`);
    expect(page.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff'); // the other security headers stay
  });

  it('closes promptly with a keep-alive connection open, and works on :memory:', async () => {
    server = await start({ adminToken: TOKEN, dbPath: ':memory:' });
    await fetch(`${server.url}/health`); // leaves a keep-alive socket
    const t = Date.now();
    await server.close();
    expect(Date.now() - t).toBeLessThan(1000);
    server = undefined;
  });

  it('refuses a bad admin token at start', async () => {
    await expect(start({ adminToken: 'short' })).rejects.toThrow(/CJM_ADMIN_TOKEN must be at least 16/);
  });

  it('uses the pinned clock when given one', async () => {
    server = await start({ adminToken: TOKEN, now: () => NOW });
    await fetch(`${server.url}/collect`, { method: 'POST', body: JSON.stringify(batch([event({ id: 'pinned' })])) });
    const [r] = await rows(server.store);
    expect(r).toMatchObject({ id: 'pinned', received: NOW });
  });
});

describe('tsx collector/node/main.ts', () => {
  it('starts from env vars, prints the URL and token, and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'collector/node/main.ts'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, PORT: '0', CJM_DB: join(tmp.dir, 'proc', 'cjm.db'), CJM_ADMIN_TOKEN: '', CJM_SITES: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr.on('data', (d) => (out += d));
    const url = await new Promise<string>((ok, fail) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m && out.includes('sites:')) ok(m[1]!);
      });
      child.once('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
    });
    const token = readFileSync(join(tmp.dir, 'proc', 'admin-token'), 'utf8').trim();
    expect(out).toContain(token);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ ok: true });
    const code = await new Promise<number | null>((ok) => {
      child.once('exit', ok);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  }, 20_000);
});
