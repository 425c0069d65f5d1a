// The reads' SQL building blocks: numbered parameters, the filters of a query, and the
// "exact rollup" sources. A source takes whole hours of a period from a rollup table
// (migration 0003) — or, for the sessions lying wholly within them, their report_sessions row
// (migration 0007) — and the partial hours at its ends from `events`, grouped by the very same
// SELECT that builds the rollup on insert (../rollups.ts), so every figure is exact to
// the millisecond and costs a scan of rollup rows, not of events.
import { HOUR_MS, rollupSql, STAGE_GROUP, TOUCH, TOUCHPOINT_GROUP } from '../rollups';
import type { Scope } from '../../reads';
import type { SqlValue } from '../../types';
import type { WriteDialect } from '../dialect';
import { CAMPAIGN_FILTERS } from '../../../filters';

/** Runs one read-only statement (numbered parameters ?1 ?2 …) on an engine and answers its rows. */
export type Run = (sql: string, params: readonly SqlValue[]) => Promise<Record<string, unknown>[]>;

/** Collects bound parameters while a query is written; `p(value)` returns its `?n`. */
export class Sql {
  readonly params: SqlValue[] = [];
  constructor(readonly d: WriteDialect) {}
  /** The engine's rollup SQL (the partial hours are grouped from events by it). */
  get rollups() {
    return rollupSql(this.d);
  }
  p(value: SqlValue): string {
    this.params.push(value);
    return `?${this.params.length}`;
  }
  /** Runs `text` (built with this object's parameters) on the engine. */
  run(run: Run, text: string): Promise<Record<string, unknown>[]> {
    return run(text, this.params);
  }
}

/**
 * The filters as SQL conditions on a table whose channel/device/country are '' when missing
 * (`rollup`) or NULL (`events`). Persona is the visitor's (visitors.persona); source, medium,
 * campaign, content and term are the visit's (sessions). Every value is a bound parameter.
 */
export function filterSql(q: Sql, s: Scope, on: 'rollup' | 'events'): string {
  const col = (c: string) => (on === 'rollup' ? c : `COALESCE(${c}, '')`);
  let sql = '';
  if (s.channel !== undefined) sql += ` AND ${col('channel')} = ${q.p(s.channel)}`;
  if (s.device !== undefined) sql += ` AND ${col('device')} = ${q.p(s.device)}`;
  if (s.country !== undefined) sql += ` AND ${col('country')} = ${q.p(s.country)}`;
  if (s.persona !== undefined)
    sql += ` AND ${col('visitor')} IN (SELECT visitor FROM visitors WHERE site = ${q.p(s.site)} AND persona = ${q.p(s.persona)})`;
  // Campaign values live on the visit (sessions), not on the rollups: the visits with those
  // values that overlap the period (a range of sessions_site_started), one lookup for all of
  // them. Events without a session ('' or NULL here) are in no campaign.
  const campaign = CAMPAIGN_FILTERS.filter((k) => s[k] !== undefined);
  if (campaign.length)
    sql += ` AND session IN (SELECT session FROM sessions WHERE site = ${q.p(s.site)} AND started < ${q.p(s.to)} AND ended >= ${q.p(s.from)}${campaign
      .map((k) => ` AND ${k} = ${q.p(s[k]!)}`)
      .join('')})`;
  return sql;
}

/** How a period splits into whole rollup hours and the event-time ranges left at its ends. */
export function split(from: number, to: number): { hours: [number, number] | null; raw: [number, number][] } {
  const h0 = Math.ceil(from / HOUR_MS);
  const h1 = Math.floor(to / HOUR_MS);
  if (h0 >= h1) return { hours: null, raw: from < to ? [[from, to]] : [] };
  const raw: [number, number][] = [];
  if (from < h0 * HOUR_MS) raw.push([from, h0 * HOUR_MS]);
  if (h1 * HOUR_MS < to) raw.push([h1 * HOUR_MS, to]);
  return { hours: [h0, h1], raw };
}

/** `time` within any of the ranges (a condition on `events`), or false. */
function rawTime(q: Sql, raw: [number, number][]): string {
  if (!raw.length) return 'FALSE';
  return `(${raw.map(([a, b]) => `(time >= ${q.p(a)} AND time < ${q.p(b)})`).join(' OR ')})`;
}

/** The rollups a report reads per session, their session index, and how their rows are built from events. */
const ROLLUPS = {
  stages: {
    table: 'report_stages',
    index: 'report_stages_session',
    fromEvents: (q: Sql, w: string) => `SELECT ${q.rollups.STAGE_SELECT} FROM events WHERE ${w} AND bot = 0 ${STAGE_GROUP}`,
  },
  paths: { table: 'report_paths', index: 'report_paths_session', fromEvents: (q: Sql, w: string) => q.rollups.pathRowsSql(w) },
} as const;

/**
 * A scope's rows of a rollup (report_stages or report_paths) split by session
 * (report_sessions, migration 0007):
 * - `whole`: a FROM clause of the report_sessions rows of the sessions lying wholly within the
 *   scope's whole hours, with one visitor, channel, device and country (so a filter takes a
 *   session whole or not at all): each row sums up all of that session's rollup rows;
 *   null when the scope has no whole hour;
 * - `rest(columns)`: every other rollup row of the scope (sessions crossing the whole hours'
 *   ends, mixed ones, events without a session, and the partial hours from events), to be
 *   grouped by session as before. Together exactly the rollup's rows of the scope (whole hours
 *   from the table, the partial hours grouped from `events` like the rollup); `others` is the SQL list of those other sessions with rows in the whole
 *   hours (null without whole hours: then everything is `rest`).
 */
export function sessionSplit(
  q: Sql,
  s: Scope,
  rollup: keyof typeof ROLLUPS = 'stages',
): { whole: string | null; rest: (columns: string) => string; others: string | null; hours: [number, number] | null } {
  const { table, index, fromEvents } = ROLLUPS[rollup];
  const { hours, raw } = split(s.from, s.to);
  const site = q.p(s.site);
  const ends = raw.length || !hours ? `FROM (${fromEvents(q, `site = ${site} AND ${rawTime(q, raw)}${filterSql(q, s, 'events')}`)})` : null;
  if (!hours) return { whole: null, rest: (columns) => `SELECT ${columns} ${ends}`, others: null, hours };
  const [h0, h1] = [q.p(hours[0]), q.p(hours[1])];
  const filters = filterSql(q, s, 'rollup');
  const inside = `site = ${site} AND first_hour >= ${h0} AND first_hour < ${h1} AND last_hour < ${h1}`;
  const crossing = (h: string) =>
    `SELECT session FROM report_sessions${q.d.indexedBy('report_sessions_last')} WHERE site = ${site} AND last_hour >= ${h} AND first_hour < ${h}`;
  const mixed = `SELECT session FROM report_sessions${q.d.indexedBy('report_sessions_mixed')} WHERE ${inside} AND uniform = 0`;
  const others = `${crossing(h0)} UNION ${crossing(h1)} UNION ${mixed} UNION SELECT ''`;
  const rows = `FROM ${table}${q.d.indexedBy(index)} WHERE site = ${site} AND session IN (${others}) AND hour >= ${h0} AND hour < ${h1}${filters}`;
  return {
    whole: `FROM report_sessions WHERE ${inside} AND uniform = 1${filters}`,
    rest: (columns) =>
      [rows, ends]
        .filter((f) => f !== null)
        .map((f) => `SELECT ${columns} ${f}`)
        .join('\nUNION ALL\n'),
    others,
    hours,
  };
}

/**
 * SQL for the number under `key` of the JSON object in `column` (report_sessions.checkout: the
 * first time of a checkout event name), NULL when absent. The key travels as a parameter.
 */
export const jsonAt = (q: Sql, column: string, key: string): string => q.d.jsonNumberAt(column, q.p(key));

/** Only the report_touchpoints rows of a scope's partial hours (all of it under an hour), from events. */
export const touchpointEnds = (q: Sql, s: Scope): string => {
  const { raw } = split(s.from, s.to);
  return `SELECT ${q.rollups.TOUCHPOINT_SELECT} FROM events WHERE site = ${q.p(s.site)} AND ${rawTime(q, raw)}${filterSql(q, s, 'events')} AND bot = 0 AND ${TOUCH} ${TOUCHPOINT_GROUP}`;
};

/** Non-bot events of one type in the scope (few: checkout, pain, feedback use partial indexes). */
export function eventsOfType(q: Sql, s: Scope, type: 'checkout' | 'pain' | 'feedback', columns: string): string {
  return `SELECT ${columns} FROM events WHERE site = ${q.p(s.site)} AND type = '${type}' AND time >= ${q.p(s.from)} AND time < ${q.p(s.to)} AND bot = 0${filterSql(q, s, 'events')}`;
}

/**
 * Median of `value` per `group` over the rows of `from` (an SQL table expression): the middle
 * value, or the mean of the two middle values. Answers rows (grp, median).
 */
export const medianSql = (from: string, group: string, value: string): string => `
  SELECT grp, AVG(v) AS median FROM (
    SELECT ${group} AS grp, ${value} AS v,
      ROW_NUMBER() OVER (PARTITION BY ${group} ORDER BY ${value}) AS rn,
      COUNT(*) OVER (PARTITION BY ${group}) AS n
    FROM ${from}
  ) WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY grp`;

/**
 * Unpivots columns `${name}0` … `${name}${n - 1}` of a one-row aggregate: joined with
 * {@link keys}(n), each row picks the column of its `j.value`.
 */
export const byKey = (name: string, n: number): string =>
  n ? `CASE j.value ${Array.from({ length: n }, (_, i) => `WHEN ${i} THEN ${name}${i}`).join(' ')} END` : 'NULL';
/** The integers 0 … n − 1 as `j(value)`: with {@link byKey}, one row per column. */
export const keys = (q: Sql, n: number): string => q.d.integers(n, 'j');
/** `column IN` the elements of a JSON array bound as a parameter (a list of any length, one parameter). */
export const inList = (q: Sql, column: string, list: readonly string[]): string =>
  `${column} IN (SELECT l.value FROM ${q.d.jsonArrayValues(q.p(JSON.stringify(list)), 'l')})`;

/** Numbers from SQL rows (null stays null; a driver's bigint or numeric text becomes a number). */
export const num = (v: unknown): number => (v == null ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v == null ? null : Number(v));
/**
 * A sum of money from SQL rows, to the millionth: engines add floating-point values in different
 * orders (SQLite's SUM compensates rounding, Postgres' does not), so the same amounts may sum to
 * values a few units in the last place apart; amounts have at most a few decimals, so rounding
 * the sum gives every engine the same figure (docs/storage.md).
 */
export const money = (v: unknown): number => Math.round(num(v) * 1e6) / 1e6;
/**
 * A JSON value read by the dialect's jsonValue, as SQLite's json_extract gives it on every engine:
 * a boolean as 1 or 0, an object or array as its JSON text, JSON null as null.
 */
export const jsonValue = (v: unknown): unknown =>
  typeof v === 'boolean' ? Number(v) : v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
/** Text from SQL rows: null stays null. */
export const strOrNull = (v: unknown): string | null => (v == null ? null : String(v));
