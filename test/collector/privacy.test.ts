// Privacy on the real Node server: no raw client IP in the database files (main, -wal, -shm) or
// in anything logged, whatever headers carry it; which address the rate limit uses
// (CJM_TRUST_PROXY); retention at start-up; and what the start-up log says.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../../collector/node/server';
import { openSqliteStore } from '../../collector/store/sqlite/store';
import type { SqlStore } from '../../collector/store/types';
import { NOW, TOKEN, UA, batch, event, row, tempDir } from './helpers';

const IPS = ['198.51.100.77', '203.0.113.201', '192.0.2.55', '2001:db8::beef'];

let dir: { dir: string; cleanup: () => void };
let server: RunningServer | undefined;
let printed: string[];

beforeEach(() => {
  dir = tempDir();
  printed = [];
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.restoreAllMocks();
  dir.cleanup();
});

const start = (over: Parameters<typeof startServer>[0] = {}) =>
  startServer({ port: 0, dbPath: join(dir.dir, 'cjm.db'), adminToken: TOKEN, now: () => NOW, print: (l) => printed.push(l), ...over });

const send = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server!.url}/collect`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'user-agent': UA.chrome, ...headers },
  });

/** Every way an IP could be written into a file: UTF-8/ASCII and UTF-16 (both byte orders). */
function containsIp(bytes: Buffer, ip: string): boolean {
  return [Buffer.from(ip, 'utf8'), Buffer.from(ip, 'utf16le'), Buffer.from(ip, 'utf16le').swap16()].some((b) => bytes.includes(b));
}

describe('no raw IP in storage or logs', () => {
  it('X-Forwarded-For, CF-Connecting-IP and X-Real-IP never reach the database files or the logs', async () => {
    const logs: string[] = [];
    const capture = (...args: unknown[]) =>
      void logs.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '));
    vi.spyOn(console, 'log').mockImplementation(capture);
    vi.spyOn(console, 'error').mockImplementation(capture);
    vi.spyOn(console, 'warn').mockImplementation(capture);

    server = await start({ trustProxy: true, rateLimits: { client: { limit: 3, windowMs: 60_000 } } });
    const headers = { 'x-forwarded-for': `${IPS[0]}, ${IPS[1]}`, 'cf-connecting-ip': IPS[2]!, 'x-real-ip': IPS[3]!, 'cf-ipcountry': 'DE' };
    const stored = await send(batch([event({ id: 'p1' }), event({ id: 'p2', type: 'identify', name: 'identify', user: 'u1' })]), headers);
    expect(stored.status).toBe(202);
    expect((await send('{"broken', headers)).status).toBe(400); // refusal path
    expect((await send(batch([event({ id: 'p3' })]), headers)).status).toBe(202);
    expect((await send(batch([event({ id: 'p4' })]), headers)).status).toBe(429); // rate-limit path
    // A storage failure is logged with its cause: make one, through the same server.
    const failing = vi.spyOn(server.store, 'insertAssigned').mockRejectedValueOnce(new Error('disk full'));
    expect((await send(batch([event({ id: 'p5' })]), { ...headers, 'x-forwarded-for': '10.0.0.1' })).status).toBe(503);
    failing.mockRestore();

    const files = ['cjm.db', 'cjm.db-wal', 'cjm.db-shm'].map((f) => join(dir.dir, f)).filter(existsSync);
    expect(files.length).toBeGreaterThanOrEqual(2); // the WAL holds the fresh writes
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    expect(bytes.includes(Buffer.from('p1'))).toBe(true); // the search can find what is there
    expect(bytes.includes(Buffer.from('DE'))).toBe(true);
    for (const ip of IPS) expect(containsIp(bytes, ip), ip).toBe(false);

    await server.close();
    const after = readFileSync(join(dir.dir, 'cjm.db'));
    for (const ip of IPS) expect(containsIp(after, ip), ip).toBe(false);

    const logged = [...logs, ...printed].join('\n');
    expect(logged).toContain('disk full'); // the capture works
    for (const ip of IPS) expect(logged.includes(ip), ip).toBe(false);
    server = undefined;
  });
});

describe('which address the per-client rate limit uses', () => {
  const once = { client: { limit: 1, windowMs: 60_000 } };

  it('the socket address by default: X-Forwarded-For is ignored', async () => {
    server = await start({ rateLimits: once });
    expect((await send(batch([event()]), { 'x-forwarded-for': '203.0.113.1' })).status).toBe(202);
    expect((await send(batch([event()]), { 'x-forwarded-for': '203.0.113.2' })).status).toBe(429);
  });

  it('with trustProxy (CJM_TRUST_PROXY=1), the address the proxy appended to X-Forwarded-For', async () => {
    server = await start({ rateLimits: once, trustProxy: true });
    expect((await send(batch([event()]), { 'x-forwarded-for': '203.0.113.1' })).status).toBe(202);
    expect((await send(batch([event()]), { 'x-forwarded-for': '203.0.113.2' })).status).toBe(202);
    // A client-supplied first entry does not make a new client: the proxy's (last) entry counts.
    expect((await send(batch([event()]), { 'x-forwarded-for': '6.6.6.6, 203.0.113.2' })).status).toBe(429);
  });
});

describe('start-up', () => {
  it('says that any site and origin is accepted when nothing is configured, and the limits in force', async () => {
    server = await start();
    const log = printed.join('\n');
    expect(log).toContain('sites:    accepting any site id (development default); set CJM_SITES to restrict');
    expect(log).toContain('origins:  any (set CJM_ORIGINS');
    expect(log).toContain('limits:   600 per 60 s per client, 60000 per 60 s per site');
    expect(log).toContain('retention: keep everything');
  });

  it('names the configured origins and retention', async () => {
    server = await start({
      sites: ['shop'],
      origins: new Map([['shop', ['https://shop.example']]]),
      retentionDays: 30,
      rateLimits: { client: null },
    });
    const log = printed.join('\n');
    expect(log).toContain('sites:    accepting only shop');
    expect(log).toContain('origins:  shop from https://shop.example');
    expect(log).toContain('limits:   off per client');
    expect(log).toContain('retention: 30 days, checked hourly');
  });

  it('applies retention at start: older events and what derives from them are deleted', async () => {
    const path = join(dir.dir, 'cjm.db');
    const seed = openSqliteStore(path);
    const DAY = 86_400_000;
    await seed.insert([
      row({ id: 'old', time: NOW - 31 * DAY, session: 's-old', visitor: 'v-old' }),
      row({ id: 'new', time: NOW - DAY, session: 's-new', visitor: 'v-new' }),
    ]);
    await seed.close();
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    server = await start({ retentionDays: 30 });
    // The hourly timer is unref'd: it never keeps the process alive. (At most as many: retention
    // yields between steps, and a timer of an earlier test may run out meanwhile.)
    expect(timers()).toBeLessThanOrEqual(before);
    expect(printed.join('\n')).toMatch(/retention deleted 1 events before 2024-12-16T12:00:00.000Z/);
    const ids: string[] = [];
    for await (const r of server.store.exportEvents('shop')) ids.push(r.id);
    expect(ids).toEqual(['new']);
    expect(await (server.store as SqlStore).all("SELECT session FROM sessions WHERE site = 'shop'")).toEqual([{ session: 's-new' }]);
  });
});
