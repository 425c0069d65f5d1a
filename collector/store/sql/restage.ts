// Restaging (docs/journey.md, "Restaging stored events"): re-infers the stages of stored events
// with today's rules — the very inferStage() and returning-customer test ingest uses — and
// brings every row derived from them back in line. One chunk of visitors per plan (ordered by
// visitor id, after a cursor), so memory and a D1 batch stay bounded whatever the site's size;
// a plan as in sql/lifecycle.ts: reads, then the writes they imply, in one transaction (SQLite)
// or reads then one batch (D1). Events without a visitor keep their stage.
import { isReturningCustomer } from '../../journey/assign';
import { DEFAULT_STAGES, inferStage } from '../../journey/stages';
import { SQLITE_WRITE, type WriteDialect } from './dialect';
import type { Statement } from './statement';
import { rederive, type Plan } from './lifecycle';
import type { RestageOptions, RestageResult, StageMove } from '../results';
import type { FirstPurchase } from '../types';

export type { RestageOptions, RestageResult, StageMove } from '../results';

/** Default visitors per chunk. */
export const RESTAGE_CHUNK = 500;
/** Largest chunk accepted: a chunk's events are read into memory at once. */
export const RESTAGE_MAX_CHUNK = 5000;
/** Rows per UPDATE statement (one JSON parameter: D1 binds at most 100 parameters, and a value is at most 2 MB). */
const ROWS_PER_UPDATE = 500;

// The chunk's visitors: a loose index scan of events_site_visitor (one seek per visitor, as
// sql/lifecycle.ts SITES_SQL does per site), the first after ?2 ('' and `>=` for the start).
const chunkCte = (first: boolean, d: WriteDialect) => `WITH RECURSIVE c(visitor, n) AS (
    SELECT (SELECT MIN(visitor) FROM events${d.indexedBy('events_site_visitor')} WHERE site = ?1 AND visitor ${first ? '>=' : '>'} ?2), 1
    UNION ALL SELECT (SELECT MIN(visitor) FROM events${d.indexedBy('events_site_visitor')} WHERE site = ?1 AND visitor > c.visitor), n + 1
    FROM c WHERE c.visitor IS NOT NULL AND n < ?3),
  chunk AS (SELECT visitor FROM c WHERE visitor IS NOT NULL)`;

/** `stage_inferred` values re-inferred: 1, and NULL when ?4 is 1. */
const REINFERRED = '(e.stage_inferred = 1 OR (?4 = 1 AND e.stage_inferred IS NULL))';

/**
 * Sets stage ?3 on the events of site ?1 whose ids are listed in ?2 (JSON) and marks them
 * inferred: one statement per new stage, so each row is a primary-key seek (an UPDATE … FROM
 * json_each would scan the site's events).
 */
const updateSql = (d: WriteDialect) => `UPDATE events SET stage = ?3, stage_inferred = 1
  WHERE site = ?1 AND id IN (SELECT value FROM ${d.jsonEach('?2')}) AND ${d.isNot('stage_inferred', '0')}`;

const str = (v: unknown): string | null => (v == null ? null : String(v));

/**
 * One chunk of restaging for `site`: reads the chunk's visitors, the events of theirs to
 * re-infer and their first purchases (bots left out, as ingest's journey context); re-infers
 * each event with {@link inferStage}; updates the events whose stage changed (and marks the
 * unknown ones re-inferred) and rebuilds the sessions and visitors they belong to (rederive).
 */
export function restagePlan(site: string, options: RestageOptions = {}, d: WriteDialect = SQLITE_WRITE): Plan<RestageResult> {
  const limit = options.limit ?? RESTAGE_CHUNK;
  if (!Number.isInteger(limit) || limit < 1 || limit > RESTAGE_MAX_CHUNK)
    throw new RangeError(`limit must be an integer from 1 to ${RESTAGE_MAX_CHUNK}`);
  const stages = options.stages?.length ? options.stages : DEFAULT_STAGES;
  const first = options.after == null;
  const params = [site, options.after ?? '', limit, options.includeUnknown ? 1 : 0];
  const cte = chunkCte(first, d);
  return {
    reads: [
      { sql: `${cte} SELECT visitor FROM chunk ORDER BY visitor`, params: params.slice(0, 3) },
      {
        sql: `${cte} SELECT e.id, e.visitor, e.session, e.time, e.type, e.name, e.path, e.url, e.hint, e.stage, e.stage_inferred
          FROM chunk ${d.crossJoin} events e${d.indexedBy('events_site_visitor')} ON e.site = ?1 AND e.visitor = chunk.visitor WHERE ${REINFERRED}`,
        params,
      },
      // As sql/journey.ts contextQueries: the bare session comes from the row MIN() picked.
      {
        sql: `${cte} SELECT e.visitor, MIN(e.time) AS time, ${d.ofMin('e.session', 'e.time', 'session')} FROM chunk ${d.crossJoin} events e${d.indexedBy('events_site_purchase')}
          ON e.site = ?1 AND e.visitor = chunk.visitor AND e.type = 'checkout' AND e.name = 'purchase' AND e.bot = 0 GROUP BY e.visitor`,
        params: params.slice(0, 3),
      },
    ],
    writes([chunk, events, purchases]) {
      const visitors = chunk!.map((r) => String(r.visitor));
      const firstPurchases = new Map<string, FirstPurchase>(
        purchases!.map((r) => [String(r.visitor), { time: Number(r.time), session: str(r.session) }]),
      );
      const updates = new Map<string, string[]>(); // new stage → ids
      const moves = new Map<string, StageMove>();
      const sessions = new Set<string>();
      const touched = new Set<string>();
      for (const r of events!) {
        const e = {
          time: Number(r.time),
          session: str(r.session),
          type: String(r.type),
          name: String(r.name),
          path: str(r.path),
          url: str(r.url),
          hint: str(r.hint),
        };
        const stage = inferStage(e, isReturningCustomer(firstPurchases.get(String(r.visitor)), e), stages);
        const old = str(r.stage);
        if (stage !== old) {
          const key = `${old}\0${stage}`;
          const move = moves.get(key) ?? { from: old, to: stage, events: 0 };
          move.events++;
          moves.set(key, move);
          if (e.session) sessions.add(e.session);
          touched.add(String(r.visitor));
        }
        if (stage !== old || r.stage_inferred == null) {
          const ids = updates.get(stage);
          if (ids) ids.push(String(r.id));
          else updates.set(stage, [String(r.id)]);
        }
      }
      const statements: Statement[] = [];
      if (!options.dryRun) {
        for (const [stage, ids] of updates)
          for (let i = 0; i < ids.length; i += ROWS_PER_UPDATE)
            statements.push({ sql: updateSql(d), params: [site, JSON.stringify(ids.slice(i, i + ROWS_PER_UPDATE)), stage] });
        // Visitors too, not only sessions: their row's stage, their visitor_stages, their session-less events' rollups.
        statements.push(...rederive(site, [...sessions], [...touched], d));
      }
      const list = [...moves.values()].sort(
        (a, b) => b.events - a.events || String(a.from).localeCompare(String(b.from)) || a.to.localeCompare(b.to),
      );
      const result: RestageResult = {
        visitors: visitors.length,
        events: events!.length,
        changed: list.reduce((n, m) => n + m.events, 0),
        moves: list,
        next: visitors.length === limit ? visitors[visitors.length - 1]! : null,
      };
      return { statements, result: () => result };
    },
  };
}
