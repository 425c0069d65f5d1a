// The rows of a period's core figures (collector/report/core.ts shapes them and says why the
// statement is shaped so). One statement reads the period's sessions, each with its first time
// in every stage (NULL: not reached), landing view and bounce inputs: those lying wholly within
// the period's whole hours as report_sessions keeps them (migration 0007), the others grouped
// from their report_stages rows (query.ts sessionSplit). They come back as one JSON text
// (cheaper on SQLite than a row each: docs/report.md). The rows with a pain point, feedback or
// purchase (few), the totals and the visits before a first purchase are aggregated in SQL. Rows
// are tagged with their `kind`, in one shape: kind, a (text; the sessions and parts rows carry
// the referrers' and buyers' JSON text there), n1…n7 (numbers) and j (JSON text).
import { BOUNCE_ENGAGED_MS, HOUR_MS, REFERRAL_PREFIXES } from '../../../metrics';
import { isFiltered } from '../../../filters';
import type { CoreRows, PartLine, Scope, SessionLine } from '../../reads';
import { byKey, filterSql, keys, medianSql, money, num, numOrNull, sessionSplit, Sql, type Run } from './query';

/** Parses a JSON array text (or NULL) of lines. */
const lines = <T>(j: unknown): T[] => (j == null ? [] : (JSON.parse(String(j)) as T[]));

export async function core(q: Sql, run: Run, scope: Scope, stages: readonly string[], detail: boolean): Promise<CoreRows> {
  const { whole, rest, hours } = sessionSplit(q, scope);
  const site = q.p(scope.site);
  const from = q.p(scope.from);
  const to = q.p(scope.to);
  const st = stages.map((s) => q.p(s));
  const n = stages.length;
  const idx = stages.map((_, i) => i);
  /** Columns `${name}0…` joined with ', ', each built by `f(i)`. */
  const cols = (f: (i: number) => string) => idx.map(f).join(', ');
  /** First time in each stage over rows grouped by the caller, as t0…. */
  const reached = cols((i) => `MIN(CASE WHEN stage = ${st[i]} THEN first_time END) AS t${i}`);
  const d = q.d;
  /** 1 or 0 (not a boolean, which engines print differently in JSON). */
  const bit = (condition: string) => `CASE WHEN ${condition} THEN 1 ELSE 0 END`;
  const bounced = (pv: string, eng: string, ia: string) => bit(`${pv} = 1 AND ${eng} < ${BOUNCE_ENGAGED_MS} AND ${ia} = 0`);
  /** JSON array text of the rows of `from`, each the JSON array of `line`. */
  const jsonLines = (line: string[], from: string) => `(SELECT '[' || ${d.stringAgg(d.jsonArrayOf(line), "','")} || ']' FROM ${from})`;
  /** An advocacy event that refers (metrics.ts REFERRAL_PREFIXES), over `events` columns. */
  const referral = `(${REFERRAL_PREFIXES.map((p) => d.startsWith('name', p)).join(' OR ')})`;
  // Figures of the few rows with a pain point, feedback or purchase: a filtered scan of the
  // period's rows (cheaper than looking up the rows of the sessions that have them); the partial
  // hours' rows are r0's (its rows outside the whole hours).
  // The advocacy stage's rows too (few), for its referrers.
  const adv = stages.includes('advocacy') ? q.p('advocacy') : null;
  const RARE = 'hour, stage, session, visitor, pains, feedbacks, feedback_sum, purchases';
  const isRare = `pains > 0 OR feedbacks > 0 OR purchases > 0${adv ? ` OR stage = ${adv}` : ''}`;
  let rare = `SELECT ${RARE} FROM r0 WHERE ${isRare}`;
  if (hours) {
    const [h0, h1] = [q.p(hours[0]), q.p(hours[1])];
    rare = `SELECT ${RARE} FROM report_stages WHERE site = ${site} AND hour >= ${h0} AND hour < ${h1}${filterSql(q, scope, 'rollup')} AND (${isRare})
      UNION ALL SELECT ${RARE} FROM r0 WHERE (hour < ${h0} OR hour >= ${h1}) AND (${isRare})`;
  }
  // One line per session: visitor, one visitor and channel (1/0), channel, bounced (1/0), landing
  // path (NULL: no page view), its stage, and the first time per stage as an object keyed by
  // stage. The whole sessions' lines are stored as such (report_sessions.summary).
  const sessionLines = [
    ...(whole ? [`SELECT summary AS l ${whole}`] : []),
    `SELECT ${d.jsonArrayOf(['v1', bit('v1 = v2 AND c1 = c2'), 'c1', bounced('pv', 'eng', 'ia'), 'lp', 'ls', d.jsonObject(idx.flatMap((i) => [st[i]!, `t${i}`]))])} AS l FROM u`,
  ].join(' UNION ALL ');
  // Per person with a purchase in the period: the stages of their purchases (decision and
  // retention completion).
  const buy = jsonLines(
    ['visitor', 'stage'],
    `(SELECT visitor, stage FROM x WHERE purchases > 0 AND visitor <> '' GROUP BY visitor, stage)`,
  );
  // Advocates who referred: an advocacy event named share…, refer…, invite… or recommend… in the
  // period, looked up in the few sessions (and session-less rows) with advocacy rows.
  let refer = 'NULL';
  if (adv) {
    // Only the events of the row's hour (its session's few there), within the period.
    const referred = (
      index: string,
      where: string,
    ) => `EXISTS (SELECT 1 FROM events e${q.d.indexedBy(index)} WHERE e.site = ${site} AND ${where}
      AND e.time >= ${d.greatest(from, `x.hour * ${HOUR_MS}`)} AND e.time < ${d.least(to, `(x.hour + 1) * ${HOUR_MS}`)}
      AND e.bot = 0 AND e.stage = ${adv} AND ${referral}${filterSql(q, scope, 'events')})`;
    refer = jsonLines(
      ['visitor'],
      `(SELECT DISTINCT visitor FROM x WHERE stage = ${adv} AND visitor <> '' AND (
        (session <> '' AND ${referred('events_site_session', 'e.session = x.session AND e.visitor = x.visitor')})
        OR (session = '' AND ${referred('events_site_visitor', 'e.visitor = x.visitor AND e.session IS NULL')})))`,
    );
  }
  // At most 5 terms (D1 limits a compound SELECT to 5): the referrers and the buyers ride in the
  // `a` column of the sessions and parts rows.
  const parts = [
    `SELECT 'sessions' AS kind, ${refer} AS a, 0 AS n1, 0 AS n2, 0 AS n3, 0 AS n4, 0 AS n5, 0 AS n6, 0 AS n7, '[' || ${d.stringAgg('l', "','")} || ']' AS j FROM (${sessionLines})`,
    `SELECT 'parts', ${buy}, 0, 0, 0, 0, 0, 0, 0, ${jsonLines(['session', 'visitor', 'channel', ...idx.map((i) => `t${i}`)], 'fb')}`,
    `SELECT 'rare', CAST(j.value AS TEXT), ${byKey('fn', n)}, ${byKey('fs', n)}, ${byKey('sp', n)}, 0, 0, 0, 0, NULL
     FROM (SELECT ${cols(
       (i) => `SUM(CASE WHEN stage = ${st[i]} THEN fn END) AS fn${i}, SUM(CASE WHEN stage = ${st[i]} THEN fs END) AS fs${i},
          SUM(CASE WHEN stage = ${st[i]} THEN sp END) AS sp${i}`,
     )} FROM r), ${keys(q, n)}`,
    `SELECT 'tot', CAST((SELECT median FROM (${medianSql('visits', 'k', 'n')})) AS TEXT), (SELECT COUNT(DISTINCT session) FROM x WHERE purchases > 0 AND session <> ''),
       SUM(pageviews), SUM(touches), SUM(purchases), SUM(revenue), 0, 0, NULL
     FROM (SELECT pageviews, touches, purchases, revenue FROM r0${whole ? ` UNION ALL SELECT pageviews, touches, purchases, revenue ${whole}` : ''})`,
  ];
  // Time to reach a stage counts from the visitor's first event ever: first_seen of every
  // visitor seen in the period (visitors_site_seen, migration 0007, gives them as a range). In
  // its `a`: the furthest stage they ever reached (visitor_stages, in the site's order; -1 for
  // none). That lookup costs ~1.5 µs a visitor (~30 ms over 21,000), so an unfiltered report
  // makes it only for the visitors with events outside the period (~1 in 9 in the benchmark):
  // the others' events all lie in the period, so their furthest stage there is the one ever.
  if (detail) {
    const filtered = isFiltered(scope);
    const furthest = `COALESCE((SELECT MAX(CASE vs.stage ${st.map((p, i) => `WHEN ${p} THEN ${i}`).join(' ')} END) FROM visitor_stages vs
      WHERE vs.site = ${site} AND vs.visitor = visitors.visitor), -1)`;
    const seen = `visitors${q.d.indexedBy('visitors_site_seen')} WHERE site = ${site} AND last_seen >= ${from} AND first_seen < ${to}`;
    const looked = n
      ? jsonLines(['visitor', furthest], `${seen}${filtered ? '' : ` AND (first_seen < ${from} OR last_seen >= ${to})`}`)
      : 'NULL';
    parts.push(`SELECT 'seen', ${looked}, 0, 0, 0, 0, 0, 0, 0, ${jsonLines(['visitor', 'first_seen'], seen)}`);
  }
  // r0: the rollup rows not taken whole from report_sessions; u: their sessions; fb: their rows
  // without a session and those of sessions with several visitors or channels, per visitor and
  // channel.
  const sql = `WITH r0 AS MATERIALIZED (${rest('hour, session, visitor, channel, stage, first_time, pageviews, touches, engaged_ms, interactions, first_view, pains, feedbacks, feedback_sum, purchases, revenue')}),
    u AS MATERIALIZED (
      SELECT session, MIN(visitor) AS v1, MAX(visitor) AS v2, MIN(channel) AS c1, MAX(channel) AS c2, ${reached},
        SUM(pageviews) AS pv, SUM(engaged_ms) AS eng, SUM(interactions) AS ia,
        -- The earliest page view's path, and its stage after the view's unique 'time|id' prefix,
        -- so the MIN of both picks the same view (report_sessions keeps them the same way).
        ${d.afterUnitSep('MIN(first_view)')} AS lp,
        ${d.afterUnitSep(`MIN(${d.upToUnitSep('first_view')} || stage)`)} AS ls
      FROM r0 WHERE session <> '' GROUP BY session),
    fb AS (SELECT session, visitor, channel, ${reached} FROM r0
      WHERE session = '' OR session IN (SELECT session FROM u WHERE v1 <> v2 OR c1 <> c2) GROUP BY session, visitor, channel),
    x AS MATERIALIZED (${rare}),
    r AS (SELECT stage, SUM(feedbacks) AS fn, SUM(feedback_sum) AS fs, COUNT(DISTINCT CASE WHEN pains > 0 THEN NULLIF(session, '') END) AS sp FROM x GROUP BY stage),
    -- Buyers: visitors with a purchase here whose first purchase ever falls in the period, and
    -- as their visits all their sessions that started up to it.
    buyers AS (SELECT visitor, (SELECT MIN(time) FROM events e WHERE e.site = ${site} AND e.visitor = x.visitor
                                  AND e.type = 'checkout' AND e.name = 'purchase' AND e.bot = 0) AS first
               FROM x WHERE purchases > 0 AND visitor <> '' GROUP BY visitor),
    visits AS (SELECT 'all' AS k, (SELECT COUNT(*) FROM sessions s WHERE s.site = ${site} AND s.visitor = buyers.visitor
                                    AND s.started <= buyers.first AND s.bot = 0) AS n
               FROM buyers WHERE first >= ${from} AND first < ${to})
    ${parts.join('\nUNION ALL\n')}`;
  const rows = await q.run(run, sql);
  const row = (kind: string) => rows.find((r) => r.kind === kind);
  const tot = row('tot');
  return {
    sessions: lines<SessionLine>(row('sessions')?.j),
    parts: lines<PartLine>(row('parts')?.j),
    buyers: lines<[string, string]>(row('parts')?.a),
    referrers: lines<[string]>(row('sessions')?.a).map(([v]) => v),
    rare: rows
      .filter((r) => r.kind === 'rare')
      .map((r) => ({ stage: Number(r.a), feedbacks: num(r.n1), feedbackSum: num(r.n2), painedSessions: num(r.n3) })),
    totals: tot
      ? {
          medianVisitsToPurchase: numOrNull(tot.a),
          buying: num(tot.n1),
          pageviews: num(tot.n2),
          touches: num(tot.n3),
          purchases: num(tot.n4),
          revenue: money(tot.n5),
        }
      : null,
    firstSeen: lines<[string, number]>(row('seen')?.j),
    furthest: lines<[string, number]>(row('seen')?.a),
  };
}
