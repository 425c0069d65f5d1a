// The report on Postgres is the report on SQLite (issue 15): the same seeded random traffic,
// posted through the real ingest path (/collect) of two collectors, one over a SQLite file and
// one over a real PostgreSQL server (test/helpers/postgres.ts), must give byte-equal answers to
// every report URL: the journey report with all its sections under hour-aligned and partial
// periods and filters, attribution, campaigns, people and a timeline, custom events, CSV.
// D1: workerd cannot run node:sqlite, so the SQLite answers' hashes are kept in a fixture
// (report-equality.fixture.json) that test/workers/report-equality.test.ts compares D1's with;
// the last test here checks the fixture is SQLite's current answer (CJM_UPDATE_FIXTURES=1 rewrites it).
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlStore } from '../../collector/store/types';
import { postgresStoreWithRawDb } from '../helpers/postgres';
import { NOW, TOKEN, tempStore, testApp } from './helpers';
import { answerHashes, FIXTURE, FIXTURE_SEED, reportTraffic, reportUrls } from './report-traffic';

const DAY = 86_400_000;
/** The traffic ends at the day boundary before the pinned clock. */
const END = Math.floor(NOW / DAY) * DAY;
const SEED = FIXTURE_SEED;

type App = ReturnType<typeof testApp>['app'];
const engines: { name: string; store: SqlStore; app: App; logged: unknown[]; close: () => Promise<void> }[] = [];

beforeAll(async () => {
  const sqlite = tempStore();
  const pg = await postgresStoreWithRawDb();
  engines.push({ name: 'sqlite', store: sqlite.store, ...testApp(sqlite.store), close: sqlite.cleanup });
  engines.push({ name: 'postgres', store: pg.store, ...testApp(pg.store), close: () => pg.store.close() });
  const posts = reportTraffic(SEED, END);
  for (const e of engines)
    for (const p of posts) {
      const res = await e.app.request('/collect', {
        method: 'POST',
        body: JSON.stringify(p.body),
        headers: { 'content-type': 'text/plain', ...p.headers },
      });
      expect(res.status, `${e.name}: ${await res.clone().text()}`).toBe(202);
    }
}, 60_000);

afterAll(async () => {
  for (const e of engines) await e.close();
});

/** Where two answers differ (JSON paths, at most 8), for a readable failure. */
function differences(a: unknown, b: unknown, path = '', out: string[] = []): string[] {
  if (out.length >= 8) return out;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
  } else if (typeof a === 'string' && typeof b === 'string' && a.includes('\n')) {
    const [la, lb] = [a.split('\n'), b.split('\n')];
    for (let i = 0; i < Math.max(la.length, lb.length) && out.length < 8; i++)
      if (la[i] !== lb[i]) out.push(`${path} line ${i + 1}: ${JSON.stringify(la[i])} ≠ ${JSON.stringify(lb[i])}`);
  } else if (!Object.is(a, b)) out.push(`${path}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`);
  return out;
}

async function answer(app: App, url: string): Promise<{ status: number; body: unknown }> {
  const res = await app.request(url, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

describe('report equality: Postgres answers what SQLite answers for the same traffic', () => {
  it('stored the same events', async () => {
    const [a, b] = await Promise.all(
      engines.map(async (e) => (await answer(e.app, `/api/sites/shop/journey?minSessions=1&from=${END - 3 * DAY}&to=${END}`)).body),
    );
    expect((a as { totals: { pageviews: number } }).totals.pageviews).toBeGreaterThan(50);
    expect(b).toEqual(a);
    // The traffic reaches the report's harder paths on both engines: sessions with several
    // countries, events without a session, sessions crossing hours.
    for (const e of engines) {
      const [r] = await e.store.all(`SELECT (SELECT COUNT(*) FROM report_sessions WHERE uniform = 0) AS mixed,
        (SELECT COUNT(*) FROM events WHERE session IS NULL) AS sessionless, (SELECT COUNT(*) FROM report_sessions WHERE last_hour > first_hour) AS crossing`);
      expect(Number(r!.mixed), e.name).toBeGreaterThan(0);
      expect(Number(r!.sessionless), e.name).toBeGreaterThan(0);
      expect(Number(r!.crossing), e.name).toBeGreaterThan(0);
    }
  });

  for (const site of ['shop', 'blog'])
    it(`every report URL of ${site}`, async () => {
      const failures: string[] = [];
      for (const url of reportUrls(END, site)) {
        const [a, b] = await Promise.all(engines.map((e) => answer(e.app, url)));
        expect(a!.status, `${url}: ${JSON.stringify(a!.body).slice(0, 300)}`).toBe(200);
        const diff = differences(a, b);
        if (diff.length)
          failures.push(
            `${url} (SQLite ≠ Postgres)\n  ${diff.join('\n  ')}\n${engines.map((e) => e.logged.splice(0).map(String).join('\n')).join('')}`,
          );
      }
      expect(failures.join('\n\n')).toBe('');
    }, 60_000);

  it('the SQLite answers the D1 test compares with are current', async () => {
    const sqlite = engines[0]!;
    const hashes = await answerHashes(async (url) => sqlite.app.request(url, { headers: { Authorization: `Bearer ${TOKEN}` } }), END);
    const fixture = { seed: SEED, end: END, now: NOW, hashes };
    if (process.env.CJM_UPDATE_FIXTURES === '1') writeFileSync(FIXTURE, `${JSON.stringify(fixture, null, 1)}\n`);
    expect(JSON.parse(readFileSync(FIXTURE, 'utf8'))).toEqual(fixture);
    // And Postgres' answers are SQLite's byte for byte, not only as JSON values.
    const postgres = engines[1]!;
    expect(await answerHashes(async (url) => postgres.app.request(url, { headers: { Authorization: `Bearer ${TOKEN}` } }), END)).toEqual(
      hashes,
    );
  }, 60_000);
});
