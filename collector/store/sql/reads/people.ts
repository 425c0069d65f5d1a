// People's rows (collector/report/people.ts): the people active in a period by current stage and
// one page of them; their first visits; one person's linked visitors, events, visits and stages.
// Everything reads `visitors`, `visitor_stages`, `sessions` and `events` as they are, so an
// erasure removes a person at once.
import type { PeopleFilter, PeopleRows, PersonEventRow, PersonRow, PersonRows, VisitRow } from '../../reads';
import { inList, num, Sql, type Run } from './query';

/** SQL: the index of the furthest of a visitor's stages in `stages` (-1 for none). */
const currentStageSql = (q: Sql, site: string, visitor: string, stages: readonly string[]) =>
  `(SELECT COALESCE(MAX(CASE s.stage ${stages.map((st, i) => `WHEN ${q.p(st)} THEN ${i}`).join(' ')} END), -1)
    FROM visitor_stages s WHERE s.site = ${site} AND s.visitor = ${visitor})`;

export async function people(q: Sql, run: Run, site: string, stages: readonly string[], query: PeopleFilter): Promise<PeopleRows> {
  const s = q.p(site);
  const abandonedAfter = query.abandonedAfter;
  const persona = query.persona !== undefined ? ` AND v.persona = ${q.p(query.persona)}` : '';
  const abandoned = abandonedAfter
    ? `, ab AS (SELECT visitor, step, at, value FROM (
         SELECT visitor, name AS step, time AS at, ${q.d.jsonNumberAt('props', "'value'")} AS value, ROW_NUMBER() OVER (PARTITION BY visitor ORDER BY time DESC, id) AS rn
         FROM events${q.d.indexedBy('events_site_checkout')}
         WHERE site = ${s} AND time >= ${q.p(query.from)} AND time < ${q.p(query.to)} AND type = 'checkout' AND bot = 0 AND visitor IS NOT NULL) AS l WHERE rn = 1)`
    : '';
  // Active in the period: seen from `from` on and first seen before `to` (visitors_site_seen),
  // with a visit that is not a bot's; then the current stage of each, once.
  const join = abandonedAfter ? `JOIN ab ON ab.visitor = p.visitor AND ab.step IN (${abandonedAfter.map((x) => q.p(x)).join(', ')})` : '';
  const where = query.stage !== undefined ? `p.rank = ${q.p(query.stage)}` : 'true';
  const rows = await q.run(
    run,
    `WITH p AS MATERIALIZED (
       SELECT v.visitor, v.persona, CASE WHEN v.user_id IS NOT NULL THEN 1 ELSE 0 END AS identified, v.first_seen, v.last_seen, v.sessions, v.purchases,
         ${currentStageSql(q, s, 'v.visitor', stages)} AS rank
       FROM visitors v WHERE v.site = ${s} AND v.last_seen >= ${q.p(query.from)} AND v.first_seen < ${q.p(query.to)}${persona}
         AND EXISTS (SELECT 1 FROM sessions x WHERE x.site = ${s} AND x.visitor = v.visitor AND x.bot = 0)
     )${abandoned}
     SELECT 'count' AS kind, rank, COUNT(*) AS n, NULL AS visitor, NULL AS persona, CAST(NULL AS INTEGER) AS identified, CAST(NULL AS INTEGER) AS first_seen,
       CAST(NULL AS INTEGER) AS last_seen, CAST(NULL AS INTEGER) AS sessions, CAST(NULL AS INTEGER) AS purchases, NULL AS step, CAST(NULL AS INTEGER) AS at,
       CAST(NULL AS REAL) AS value FROM p GROUP BY rank
     UNION ALL
     SELECT 'total', NULL, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM p ${join} WHERE ${where}
     UNION ALL
     SELECT * FROM (SELECT 'person', p.rank, CAST(NULL AS INTEGER), p.visitor, p.persona, p.identified, p.first_seen, p.last_seen, p.sessions, p.purchases,
         ${abandonedAfter ? 'ab.step, ab.at, ab.value' : 'NULL, CAST(NULL AS INTEGER), CAST(NULL AS REAL)'}
       FROM p ${join} WHERE ${where}
       ORDER BY ${abandonedAfter ? 'ab.at' : 'p.last_seen'} DESC, p.visitor LIMIT ${query.limit} OFFSET ${q.p(query.offset)})`,
  );
  const out: PeopleRows = { counts: [], total: 0, page: [] };
  for (const r of rows) {
    if (r.kind === 'count') out.counts.push({ rank: num(r.rank), people: num(r.n) });
    else if (r.kind === 'total') out.total = num(r.n);
    else
      out.page.push({
        visitor: String(r.visitor),
        rank: num(r.rank),
        persona: r.persona,
        identified: num(r.identified),
        first_seen: num(r.first_seen),
        last_seen: num(r.last_seen),
        sessions: num(r.sessions),
        purchases: num(r.purchases),
        step: r.step,
        at: num(r.at),
        value: r.value,
      } satisfies PersonRow);
  }
  return out;
}

/** Each visitor's first visit (sessions_site_visitor). */
export async function firstVisits(q: Sql, run: Run, site: string, visitors: readonly string[]): Promise<VisitRow[]> {
  const rows = await q.run(
    run,
    `SELECT visitor, started, channel, source, medium, campaign, landing FROM (
       SELECT visitor, started, channel, source, medium, campaign, landing, ROW_NUMBER() OVER (PARTITION BY visitor ORDER BY started, session) AS rn
       FROM sessions${q.d.indexedBy('sessions_site_visitor')} WHERE site = ${q.p(site)} AND ${inList(q, 'visitor', visitors)}) AS f
     WHERE rn = 1`,
  );
  return rows as unknown as VisitRow[];
}

/** This visitor and the visitors linked to it by a user id (index lookups only). */
export async function linkedVisitors(q: Sql, run: Run, site: string, visitor: string): Promise<string[]> {
  const s = q.p(site);
  const v = q.p(visitor);
  const rows = await q.run(
    run,
    `SELECT visitor FROM visitors WHERE site = ${s} AND visitor = ${v}
     UNION SELECT w.visitor FROM visitors w WHERE w.site = ${s} AND w.user_id IS NOT NULL
       AND w.user_id = (SELECT u.user_id FROM visitors u WHERE u.site = ${s} AND u.visitor = ${v})`,
  );
  return rows.map((r) => String(r.visitor));
}

/** A person's latest `limit` events (oldest first), visits and stages reached. */
export async function person(q: () => Sql, run: Run, site: string, visitors: readonly string[], limit: number): Promise<PersonRows> {
  const e = q();
  const es = e.p(site);
  const s = q();
  const r = q();
  const [events, sessions, reached] = await Promise.all([
    e.run(
      run,
      `SELECT * FROM (SELECT visitor, session, time, id, type, name, path, stage, touchpoint, channel, props, bot FROM events${e.d.indexedBy('events_site_visitor')}
         WHERE site = ${es} AND ${inList(e, 'visitor', visitors)} ORDER BY time DESC, id DESC LIMIT ${limit})
       ORDER BY time, id`,
    ),
    s.run(
      run,
      `SELECT session, visitor, started, channel, source, medium, campaign, landing, device FROM sessions${s.d.indexedBy('sessions_site_visitor')}
       WHERE site = ${s.p(site)} AND ${inList(s, 'visitor', visitors)} ORDER BY started, session`,
    ),
    r.run(run, `SELECT DISTINCT stage FROM visitor_stages WHERE site = ${r.p(site)} AND ${inList(r, 'visitor', visitors)}`),
  ]);
  return {
    events: events as unknown as PersonEventRow[],
    sessions: sessions as unknown as VisitRow[],
    stages: reached.map((x) => String(x.stage)),
  };
}
