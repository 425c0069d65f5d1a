// The Store contract on the SQLite adapter, plus what only SQLite does: WAL, and applying the
// wrangler-format migrations at open with d1_migrations bookkeeping.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_COLUMNS as ALL_COLUMNS } from '../../collector/store/sql/columns';
import { refreshStatements } from '../../collector/store/sql/journey';
import { migrate, readMigrations } from '../../collector/store/sqlite/migrate';

// The events columns before migration 0008 (these tests insert into databases migrated before it).
const EVENT_COLUMNS = ALL_COLUMNS.filter((c) => c !== 'stage_inferred' && c !== 'hint');
import { openSqliteStore } from '../../collector/store/sqlite/store';
import type { StoredEvent } from '../../collector/store/types';
import { row, tempDir } from './helpers';
import { runStoreContract } from './store-contract';

const tmp = tempDir();
afterAll(tmp.cleanup);
let n = 0;
const dbFile = () => join(tmp.dir, `contract-${n++}.db`);

runStoreContract('sqlite (file)', () => openSqliteStore(dbFile()));
runStoreContract('sqlite (file, 3-row pages)', () => openSqliteStore(dbFile(), { pageSize: 3 }));

describe('SQLite adapter', () => {
  it('opens in WAL mode with a busy timeout', async () => {
    const path = dbFile();
    const store = openSqliteStore(path);
    const db = new DatabaseSync(path);
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    db.close();
    await store.close();
  });

  it('applies the migrations once and records them in d1_migrations like wrangler', async () => {
    const path = dbFile();
    await openSqliteStore(path).close();
    await openSqliteStore(path).close(); // a second open applies nothing
    const db = new DatabaseSync(path);
    const applied = db.prepare('SELECT id, name, applied_at FROM d1_migrations ORDER BY id').all();
    expect(applied.map((r) => r.name)).toEqual(readMigrations().map((m) => m.name));
    expect(applied[0]!.name).toBe('0001_init.sql');
    expect(applied[0]!.applied_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const cols = db.prepare("SELECT name, type, pk FROM pragma_table_info('d1_migrations')").all();
    expect(cols).toEqual([
      { name: 'id', type: 'INTEGER', pk: 1 },
      { name: 'name', type: 'TEXT', pk: 0 },
      { name: 'applied_at', type: 'TIMESTAMP', pk: 0 },
    ]);
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name")
      .all();
    expect(indexes.map((r) => r.name)).toEqual([
      'events_session_checkout',
      'events_site_bots',
      'events_site_checkout',
      'events_site_custom',
      'events_site_engagement',
      'events_site_feedback',
      'events_site_pain',
      'events_site_purchase',
      'events_site_session',
      'events_site_time',
      'events_site_txn',
      'events_site_user',
      'events_site_visitor',
      'events_site_visitor_anon',
    ]);
    db.close();
  });

  it('migration 0005 fills visitor_stages from the events stored before it', async () => {
    const path = dbFile();
    const db = new DatabaseSync(path);
    // With 0014 too: the rebuild statements below (today's) fill its columns and table.
    migrate(
      db,
      readMigrations().filter((m) => m.name < '0005' || m.name.startsWith('0014')),
    );
    const rows = [
      row({ id: 'a', visitor: 'v1', stage: 'awareness' }),
      row({ id: 'b', visitor: 'v1', stage: 'consideration' }),
      row({ id: 'c', visitor: 'v1', stage: 'consideration', type: 'checkout', name: 'purchase', txn: 'T1' }),
      row({ id: 'd', visitor: 'v1', stage: 'decision', bot: 1 }),
      row({ id: 'e', visitor: 'v2', stage: null }),
      row({ id: 'f', visitor: null, session: null, stage: 'awareness' }),
      row({ id: 'g', site: 'blog', visitor: 'v1', stage: 'awareness' }),
    ];
    const insert = db.prepare(`INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`);
    for (const r of rows) insert.run(...EVENT_COLUMNS.map((c) => r[c] ?? null));
    // sessions and visitors as the collector kept them before 0005.
    for (const { sql, params } of refreshStatements(rows))
      if (!/visitor_stages|report_sessions|report_touch_hours/.test(sql)) db.prepare(sql).run(...params);
    db.close();
    const store = openSqliteStore(path);
    expect(await store.all('SELECT site, visitor, stage FROM visitor_stages ORDER BY 1, 2, 3')).toEqual([
      { site: 'blog', visitor: 'v1', stage: 'awareness' },
      { site: 'shop', visitor: 'v1', stage: 'awareness' },
      { site: 'shop', visitor: 'v1', stage: 'consideration' },
      { site: 'shop', visitor: 'v1', stage: 'decision' },
    ]);
    const ctx = await store.journeyContext('shop', { visitors: ['v1', 'v2', 'v3'], sessions: [], users: [] });
    expect([...ctx.firstPurchases]).toEqual([['v1', { time: rows[2]!.time, session: 's1' }]]);
    await store.close();
  });

  it('migration 0007 fills report_sessions and report_touch_hours from the rollups stored before it, as insert keeps them', async () => {
    const HOUR = 3_600_000;
    const t0 = Date.UTC(2025, 0, 15, 10, 50);
    const rows = [
      row({ id: 'a', session: 's1', visitor: 'v1', stage: 'awareness', type: 'pageview', path: '/blog', time: t0 }),
      row({ id: 'b', session: 's1', visitor: 'v1', stage: 'consideration', type: 'pageview', path: '/p', time: t0 + 20 * 60_000 }),
      row({
        id: 'c',
        session: 's1',
        visitor: 'v1',
        stage: 'decision',
        type: 'checkout',
        name: 'purchase',
        txn: 'T1',
        props: '{"value":12.5}',
        time: t0 + HOUR,
      }),
      row({ id: 'd', session: 's2', visitor: 'v2', stage: 'awareness', type: 'pageview', path: '/', channel: 'email', time: t0 }),
      row({
        id: 'e',
        session: 's2',
        visitor: 'v2',
        stage: 'awareness',
        type: 'event',
        name: 'click',
        channel: 'search',
        time: t0 + 60_000,
      }),
      row({ id: 'f', session: 's3', visitor: 'v3', stage: 'awareness', type: 'pageview', bot: 1, time: t0 }),
      row({ id: 'g', session: null, visitor: 'v4', stage: 'awareness', type: 'event', name: 'signup', time: t0 }),
    ];
    const path = dbFile();
    const db = new DatabaseSync(path);
    migrate(
      db,
      readMigrations().filter((m) => m.name < '0007' || m.name.startsWith('0014')),
    ); // 0014: as above
    const insert = db.prepare(`INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`);
    for (const r of rows) insert.run(...EVENT_COLUMNS.map((c) => r[c] ?? null));
    for (const { sql, params } of refreshStatements(rows))
      if (!/report_sessions|report_touch_hours/.test(sql)) db.prepare(sql).run(...params);
    db.close();
    const migrated = openSqliteStore(path);
    const inserted = openSqliteStore(dbFile());
    await inserted.insert(rows);
    const all = 'SELECT * FROM report_sessions ORDER BY site, session';
    const got = await migrated.all(all);
    expect(got).toEqual(await inserted.all(all));
    const hours = 'SELECT * FROM report_touch_hours ORDER BY site, stage, touchpoint, channel, hour';
    expect(await migrated.all(hours)).toEqual(await inserted.all(hours));
    expect((await migrated.all(hours)).length).toBeGreaterThan(0);
    // s1 spans two hours and reached three stages; s2 has two channels; no row for the bot's
    // session or the events without one.
    expect(
      got.map((r) => [
        r.session,
        r.first_hour,
        r.last_hour,
        r.uniform,
        JSON.parse(String(r.reached)),
        r.landing,
        r.landing_stage,
        r.revenue,
      ]),
    ).toEqual([
      [
        's1',
        Math.floor(t0 / HOUR),
        Math.floor(t0 / HOUR) + 1,
        1,
        { awareness: t0, consideration: t0 + 20 * 60_000, decision: t0 + HOUR },
        '/blog',
        'awareness',
        12.5,
      ],
      ['s2', Math.floor(t0 / HOUR), Math.floor(t0 / HOUR), 0, { awareness: t0 }, '/', 'awareness', 0],
    ]);
    await migrated.close();
    await inserted.close();
  });

  it('migration 0014 fills visitor_sessions and the landing, exit, user id and persona keys from the events stored before it, as insert keeps them', async () => {
    const t0 = Date.UTC(2025, 0, 15, 10);
    const rows = [
      row({ id: 'a', session: 's1', visitor: 'v1', type: 'pageview', path: '/a', time: t0, persona: 'p1' }),
      row({ id: 'b', session: 's1', visitor: 'v1', type: 'event', name: 'click', time: t0 + 1, user_id: 'u1' }),
      row({ id: 'c', session: 's1', visitor: 'v2', type: 'pageview', path: '/c', time: t0 + 2 }),
      row({ id: 'd', session: 's2', visitor: 'v1', type: 'event', name: 'click', time: t0 + 3 }),
      row({ id: 'e', session: null, visitor: 'v3', type: 'event', name: 'signup', time: t0 + 4 }),
    ];
    const path = dbFile();
    const db = new DatabaseSync(path);
    migrate(
      db,
      readMigrations().filter((m) => m.name < '0014'),
    );
    const insert = db.prepare(`INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`);
    for (const r of rows) insert.run(...EVENT_COLUMNS.map((c) => r[c] ?? null));
    // The sessions and visitors rows the migration completes (their other columns do not matter here).
    db.exec(`INSERT INTO sessions (site, session, started, ended) SELECT DISTINCT site, session, 0, 0 FROM events WHERE session IS NOT NULL;
      INSERT INTO visitors (site, visitor, first_seen, last_seen) SELECT DISTINCT site, visitor, 0, 0 FROM events WHERE visitor IS NOT NULL;`);
    db.close();
    const migrated = openSqliteStore(path);
    const inserted = openSqliteStore(dbFile());
    await inserted.insert(rows);
    for (const sql of [
      'SELECT * FROM visitor_sessions ORDER BY 1, 2, 3',
      'SELECT session, landing_at, exit_at FROM sessions ORDER BY session',
      'SELECT visitor, user_id_at, persona_at FROM visitors ORDER BY visitor',
    ])
      expect(await migrated.all(sql), sql).toEqual(await inserted.all(sql));
    expect(await migrated.all('SELECT visitor, session FROM visitor_sessions ORDER BY 1, 2')).toEqual([
      { visitor: 'v1', session: 's1' },
      { visitor: 'v1', session: 's2' },
      { visitor: 'v2', session: 's1' },
    ]);
    expect(await migrated.all(`SELECT landing_at, exit_at FROM sessions WHERE session = 's1'`)).toEqual([
      { landing_at: `${String(t0).padStart(15, '0')}|a`, exit_at: `${String(t0 + 2).padStart(15, '0')}|c` },
    ]);
    await migrated.close();
    await inserted.close();
  });

  it('applies only pending migrations, in name order, and rolls back a failing one', async () => {
    const dir = join(tmp.dir, 'migrations');
    mkdirSync(dir);
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE a (x INTEGER);');
    const path = dbFile();
    // The adapter needs the events table, so the real migrations go first.
    const real = readMigrations();
    await openSqliteStore(path, { migrations: [...real, ...readMigrations(dir)] }).close();
    writeFileSync(join(dir, '0002_b.sql'), 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);');
    expect(() => openSqliteStore(path, { migrations: [...real, ...readMigrations(dir)] })).toThrow(/migration 0002_b.sql failed/);
    writeFileSync(join(dir, '0002_b.sql'), 'CREATE TABLE b (x INTEGER);');
    await openSqliteStore(path, { migrations: [...real, ...readMigrations(dir)] }).close();
    const db = new DatabaseSync(path);
    expect(
      db
        .prepare('SELECT name FROM d1_migrations ORDER BY id')
        .all()
        .map((r) => r.name),
    ).toEqual([...real.map((m) => m.name), '0001_a.sql', '0002_b.sql']);
    db.close();
  });

  it('keeps data across reopen', async () => {
    const path = dbFile();
    const a = openSqliteStore(path);
    await a.insert([row({ id: 'kept' })]);
    await a.close();
    const b = openSqliteStore(path);
    const got = [];
    for await (const r of b.exportEvents('shop')) got.push(r.id);
    expect(got).toEqual(['kept']);
    await b.close();
  });

  it('stores batches that arrive together in one transaction (group commit); a failing one is undone alone, and each answers after the commit', async () => {
    const path = dbFile();
    const store = openSqliteStore(path);
    const watcher = new DatabaseSync(path);
    const count = () => (watcher.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    // A NOT NULL violation in the middle of the third batch: its first row must go too.
    const bad = [row({ id: 'c1', session: 's3' }), { ...row({ id: 'c2', session: 's3' }), type: null } as unknown as StoredEvent];
    const calls = [
      store.insert([row({ id: 'a1' }), row({ id: 'a2' })]),
      store.insert([row({ id: 'b1', session: 's2' }), row({ id: 'a1' })]),
      store.insert(bad),
      store.insert([row({ id: 'd1', session: 's4' })]),
    ];
    expect(count()).toBe(0); // nothing is stored (or answered) before the group's turn
    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : null))).toEqual([
      { inserted: 2, duplicates: 0 },
      { inserted: 1, duplicates: 1 },
      null,
      { inserted: 1, duplicates: 0 },
    ]);
    expect(
      watcher
        .prepare('SELECT id FROM events ORDER BY id')
        .all()
        .map((r) => r.id),
    ).toEqual(['a1', 'a2', 'b1', 'd1']);
    // The failed batch left nothing behind in the derived tables either.
    expect(
      watcher
        .prepare('SELECT session, events FROM sessions ORDER BY session')
        .all()
        .map((r) => ({ ...r })),
    ).toEqual([
      { session: 's1', events: 2 },
      { session: 's2', events: 1 },
      { session: 's4', events: 1 },
    ]);
    // A batch still waiting when the store closes is stored first.
    const last = store.insert([row({ id: 'e1' })]);
    await store.close();
    expect(await last).toEqual({ inserted: 1, duplicates: 0 });
    expect(count()).toBe(5);
    watcher.close();
  });
});
