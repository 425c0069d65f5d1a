// One statement per period for everything the stage rollup rows give. The rows are grouped
// once per session into `u`, with per-stage columns generated from the stage list (first time
// in each stage: NULL when not reached), the landing view and the bounce inputs; visitors (`v`)
// are one more GROUP BY of those rows, and every figure is a plain SUM or COUNT over them — no
// COUNT(DISTINCT) and no pass over the rollup rows per figure. The few rows with a pain point,
// feedback or purchase are read apart (`x`). Rows are tagged with their `kind`, in one shape:
// kind, a, b (text), n1…n6 (numbers) and j (JSON).
import type { Store } from '../store/types';
import { BOUNCE_ENGAGED_MS, type LandingFacts } from './sessions';
import { byKey, medianOf, medianSql, num, numOrNull, Sql, stageColumns, type Scope } from './sql';
import type { Count } from './types';

export interface StageSums {
  visitors: number;
  sessions: number;
  fbN: number;
  fbSum: number;
  /** Sessions with a pain point in the stage. */
  pained: number;
}

export interface CoreFacts {
  perStage: Map<string, StageSums>;
  /** Per stage: its visitors who also reached the next stage. */
  converted: Map<string, number>;
  landing: LandingFacts[];
  sums: { visitors: number; sessions: number; pageviews: number; touches: number; purchases: number; revenue: number; buying: number };
  medianVisitsToPurchase: number | null;
  /** detail only: sessions per stage and channel, most first. */
  channels: Map<string, Count[]>;
  /** detail only: median ms from first touch to each stage. */
  timeToReach: Map<string, number>;
  /**
   * Sessions of the period with more than one channel (rare: events that name their own), or
   * null when there are more than MAX_SPLIT: the touchpoint ranking corrects its sums for them.
   */
  splitSessions: string[] | null;
}

/** The name shown for a missing channel. */
const NO_CHANNEL = '(none)';
/** Sessions with several channels listed at most in CoreFacts.splitSessions. */
export const MAX_SPLIT = 500;

export async function coreFacts(store: Store, scope: Scope, stages: readonly string[], detail: boolean): Promise<CoreFacts> {
  const q = new Sql();
  const rowsOf = stageColumns(q, scope);
  const site = q.p(scope.site);
  const from = q.p(scope.from);
  const to = q.p(scope.to);
  const st = stages.map((s) => q.p(s));
  const idx = stages.map((_, i) => i);
  /** Columns `${name}0…` joined with ', ', each built by `f(i)`. */
  const cols = (f: (i: number) => string) => idx.map(f).join(', ');
  /** One row per stage from a one-row aggregate: `j.key` is the stage's index. */
  const pick = (name: string) => byKey(name, stages.length);
  const each = `json_each('[${idx.join(',')}]') j`;
  // Figures of the few rows with a pain point, feedback or purchase: a filtered scan of the
  // rows, grouped by stage (and session or visitor) only where they occur.
  const rare = `SELECT stage, session, visitor, pains, feedbacks, feedback_sum, purchases FROM (${rowsOf('stage, session, visitor, pains, feedbacks, feedback_sum, purchases')})
    WHERE pains > 0 OR feedbacks > 0 OR purchases > 0`;
  /** First time in each stage (NULL: not reached), over rows grouped by the caller. */
  const reached = cols((i) => `MIN(CASE WHEN stage = ${st[i]} THEN first_time END) AS t${i}`);
  const min = cols((i) => `MIN(t${i}) AS t${i}`);
  const flags = cols((i) => `t${i}`);
  const sums = (name: string, of = (i: number) => `t${i} IS NOT NULL`) => cols((i) => `SUM(${of(i)}) AS ${name}${i}`);
  const parts = [
    `SELECT 'stage' AS kind, j.key AS a, NULL AS b, ${pick('sv')} AS n1, ${pick('ss')} AS n2, ${pick('fn')} AS n3, ${pick('fs')} AS n4,
       ${pick('sp')} AS n5, ${pick('cv')} AS n6, NULL AS j
     FROM (SELECT ${sums('sv')}, ${sums('cv', (i) => (i < stages.length - 1 ? `t${i} IS NOT NULL AND t${i + 1} IS NOT NULL` : 'NULL'))} FROM v) vs,
       (SELECT ${sums('ss')} FROM u) sx,
       (SELECT ${cols((i) => `SUM(CASE WHEN stage = ${st[i]} THEN fn END) AS fn${i}, SUM(CASE WHEN stage = ${st[i]} THEN fs END) AS fs${i},
          SUM(CASE WHEN stage = ${st[i]} THEN sp END) AS sp${i}`)} FROM r) rx, ${each}`,
    // A session's landing page: its earliest page view in the period, and that view's stage.
    `SELECT 'land', substr(fvs, instr(fvs, char(31)) + 1), substr(fv, instr(fv, char(31)) + 1), COUNT(*),
       SUM(pv = 1 AND eng < ${BOUNCE_ENGAGED_MS} AND ia = 0), 0, 0, 0, 0, NULL
     FROM u WHERE fv IS NOT NULL GROUP BY 2, 3`,
    `SELECT 'tot', (SELECT COUNT(DISTINCT session) FROM x WHERE purchases > 0 AND session <> ''), (SELECT median FROM (${medianSql('visits', 'k', 'n')})),
       (SELECT COUNT(*) FROM v), (SELECT COUNT(*) FROM u), SUM(pageviews), SUM(touches), SUM(purchases), SUM(revenue),
       (SELECT json_group_array(session) FROM (SELECT session FROM u WHERE c1 <> c2 LIMIT ${MAX_SPLIT + 1}))
     FROM (${rowsOf('pageviews, touches, purchases, revenue')})`,
  ];
  if (detail) {
    // Sessions per stage and channel: one row per session and channel.
    parts.push(`SELECT 'mix', j.key, channel, ${pick('m')}, 0, 0, 0, 0, 0, NULL
      FROM (SELECT channel, ${sums('m')}
            FROM (SELECT c1 AS channel, ${flags} FROM u WHERE v1 = v2 AND c1 = c2
                  UNION ALL SELECT channel, ${min} FROM fb WHERE session <> '' GROUP BY session, channel)
            GROUP BY channel), ${each}
      WHERE ${pick('m')} > 0`);
    // Median per stage: the middle one or two values, by ORDER BY … LIMIT/OFFSET on the count.
    const median = (i: number) => `${medianOf('d', `m${i}`, `m${i} IS NOT NULL`, `(SELECT n${i} FROM dn)`)} AS md${i}`;
    parts.push(`SELECT 'reach', j.key, NULL, ${pick('md')}, 0, 0, 0, 0, 0, NULL FROM (SELECT ${cols(median)}), ${each} WHERE ${pick('md')} IS NOT NULL`);
  }
  // u: one row per session; MIN = MAX of its visitor and of its channel says it has a single
  // one. Sessions with several (rare) and the events without a session are grouped per
  // visitor and channel in fb, from the rows again.
  const sql = `WITH u AS MATERIALIZED (
      SELECT session, MIN(visitor) AS v1, MAX(visitor) AS v2, MIN(channel) AS c1, MAX(channel) AS c2, ${reached},
        SUM(pageviews) AS pv, SUM(engaged_ms) AS eng, SUM(interactions) AS ia,
        -- The earliest page view, and its stage after the view's unique 'time|id' prefix, so
        -- the MIN of both picks the same view.
        MIN(first_view) AS fv, MIN(substr(first_view, 1, instr(first_view, char(31))) || stage) AS fvs
      FROM (${rowsOf('session, visitor, channel, stage, first_time, pageviews, engaged_ms, interactions, first_view')}) WHERE session <> '' GROUP BY session),
    fb AS MATERIALIZED (SELECT session, visitor, channel, ${reached} FROM (${rowsOf('session, visitor, channel, stage, first_time')})
      WHERE session = '' OR session IN (SELECT session FROM u WHERE v1 <> v2 OR c1 <> c2) GROUP BY session, visitor, channel),
    v AS MATERIALIZED (SELECT visitor, ${min} FROM (
        SELECT v1 AS visitor, ${flags} FROM u WHERE v1 = v2 AND c1 = c2
        UNION ALL SELECT visitor, ${flags} FROM fb) WHERE visitor <> '' GROUP BY visitor),
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
    ${detail ? `, d AS MATERIALIZED (SELECT ${cols((i) => `v.t${i} - w.first_seen AS m${i}`)} FROM v JOIN visitors w ON w.site = ${site} AND w.visitor = v.visitor),
      dn AS MATERIALIZED (SELECT ${cols((i) => `COUNT(m${i}) AS n${i}`)} FROM d)` : ''}
    ${parts.join('\nUNION ALL\n')}`;
  const rows = await q.run(store, sql);

  const out: CoreFacts = {
    perStage: new Map(),
    converted: new Map(),
    landing: [],
    sums: { visitors: 0, sessions: 0, pageviews: 0, touches: 0, purchases: 0, revenue: 0, buying: 0 },
    medianVisitsToPurchase: null,
    channels: new Map(),
    timeToReach: new Map(),
    splitSessions: null,
  };
  const stageAt = (v: unknown) => stages[Number(v)]!;
  for (const r of rows) {
    switch (r.kind) {
      case 'stage': {
        const stage = stageAt(r.a);
        out.perStage.set(stage, { visitors: num(r.n1), sessions: num(r.n2), fbN: num(r.n3), fbSum: num(r.n4), pained: num(r.n5) });
        if (Number(r.a) < stages.length - 1) out.converted.set(stage, num(r.n6));
        break;
      }
      case 'tot':
        Object.assign(out.sums, { buying: num(r.a), visitors: num(r.n1), sessions: num(r.n2), pageviews: num(r.n3), touches: num(r.n4), purchases: num(r.n5), revenue: num(r.n6) });
        out.medianVisitsToPurchase = numOrNull(r.b);
        out.splitSessions = (JSON.parse(String(r.j ?? '[]')) as string[]).map(String);
        if (out.splitSessions.length > MAX_SPLIT) out.splitSessions = null;
        break;
      case 'land':
        out.landing.push({ stage: String(r.a ?? ''), landing: String(r.b), sessions: num(r.n1), bounces: num(r.n2) });
        break;
      case 'mix': {
        const stage = stageAt(r.a);
        const list = out.channels.get(stage) ?? [];
        list.push({ name: String(r.b) || NO_CHANNEL, count: num(r.n1) });
        out.channels.set(stage, list);
        break;
      }
      case 'reach':
        out.timeToReach.set(stageAt(r.a), num(r.n1));
        break;
    }
  }
  for (const list of out.channels.values()) list.sort((x, y) => y.count - x.count || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return out;
}
