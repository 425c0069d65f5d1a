// One statement per period for everything the stage rollup rows give: the rows of the period
// are materialised once and every aggregate reads them (per stage, conversion, landing pages and
// bounces, totals, visits before the first purchase; with `detail` also the channel mix and the
// time to reach each stage). Each aggregate answers rows tagged with its `kind`, in one shape:
// kind, a, b (text) and n1…n5 (numbers).
import type { Store } from '../store/types';
import { BOUNCE_ENGAGED_MS, type LandingFacts } from './sessions';
import { medianSql, num, numOrNull, Sql, stageRows, type Scope } from './sql';
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
}

/** The name shown for a missing channel. */
const NO_CHANNEL = '(none)';

export async function coreFacts(store: Store, scope: Scope, stages: readonly string[], detail: boolean): Promise<CoreFacts> {
  const q = new Sql();
  const src = stageRows(q, scope);
  const site = q.p(scope.site);
  const from = q.p(scope.from);
  const to = q.p(scope.to);
  const flags = stages.map((st, i) => `MAX(stage = ${q.p(st)}) AS s${i}`).join(', ');
  const pairs = stages.slice(0, -1).map((_, i) => `SUM(s${i} AND s${i + 1})`).join(', ');
  // D1 allows few terms in a compound SELECT: one term per kind, scalars packed as JSON.
  const parts = [
    `SELECT 'stage' AS kind, stage AS a, NULL AS b, COUNT(DISTINCT NULLIF(visitor, '')) AS n1, COUNT(DISTINCT NULLIF(session, '')) AS n2,
       SUM(feedbacks) AS n3, SUM(feedback_sum) AS n4, COUNT(DISTINCT CASE WHEN pains > 0 THEN NULLIF(session, '') END) AS n5
     FROM b GROUP BY stage`,
    // A session's landing page: its earliest page view in the period (and that view's stage).
    `SELECT 'land', stage, substr(first_view, instr(first_view, char(31)) + 1), COUNT(*), SUM(pv = 1 AND eng < ${BOUNCE_ENGAGED_MS} AND ia = 0), 0, 0, 0
     FROM x WHERE rn = 1 AND first_view IS NOT NULL GROUP BY 2, 3`,
    `SELECT 'tot', json_array(SUM(revenue), COUNT(DISTINCT CASE WHEN purchases > 0 THEN NULLIF(session, '') END),
         (SELECT median FROM (${medianSql('visits', 'k', 'n')}))),
       (SELECT json_array(${pairs}) FROM f),
       COUNT(DISTINCT NULLIF(visitor, '')), COUNT(DISTINCT NULLIF(session, '')), SUM(pageviews), SUM(touches), SUM(purchases) FROM b`,
  ];
  if (detail) {
    parts.push(`SELECT 'mix', stage, channel, COUNT(DISTINCT session), 0, 0, 0, 0 FROM b WHERE session <> '' GROUP BY stage, channel`);
    parts.push(`SELECT 'reach', grp, NULL, median, 0, 0, 0, 0 FROM (${medianSql('d', 'stage', 'ms')})`);
  }
  const sql = `WITH b AS MATERIALIZED (${src}),
    f AS (SELECT ${flags} FROM b WHERE visitor <> '' GROUP BY visitor),
    x AS (SELECT stage, first_view, ROW_NUMBER() OVER w AS rn,
            SUM(pageviews) OVER w AS pv, SUM(engaged_ms) OVER w AS eng, SUM(interactions) OVER w AS ia
          FROM b WHERE session <> ''
          WINDOW w AS (PARTITION BY session ORDER BY first_view IS NULL, first_view ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)),
    -- Buyers: visitors with a purchase here whose first purchase ever falls in the period, and
    -- as their visits all their sessions that started up to it.
    buyers AS (SELECT visitor, (SELECT MIN(time) FROM events e WHERE e.site = ${site} AND e.visitor = b.visitor
                                  AND e.type = 'checkout' AND e.name = 'purchase' AND e.bot = 0) AS first
               FROM b WHERE purchases > 0 AND visitor <> '' GROUP BY visitor),
    visits AS (SELECT 'all' AS k, (SELECT COUNT(*) FROM sessions s WHERE s.site = ${site} AND s.visitor = buyers.visitor
                                    AND s.started <= buyers.first AND s.bot = 0) AS n
               FROM buyers WHERE first >= ${from} AND first < ${to}),
    d AS (SELECT r.stage AS stage, r.t - v.first_seen AS ms
          FROM (SELECT stage, visitor, MIN(first_time) AS t FROM b WHERE visitor <> '' GROUP BY stage, visitor) r
          JOIN visitors v ON v.site = ${site} AND v.visitor = r.visitor)
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
  };
  for (const r of rows) {
    const a = String(r.a ?? '');
    switch (r.kind) {
      case 'stage':
        out.perStage.set(a, { visitors: num(r.n1), sessions: num(r.n2), fbN: num(r.n3), fbSum: num(r.n4), pained: num(r.n5) });
        break;
      case 'tot': {
        Object.assign(out.sums, { visitors: num(r.n1), sessions: num(r.n2), pageviews: num(r.n3), touches: num(r.n4), purchases: num(r.n5) });
        const [revenue, buying, visits] = JSON.parse(String(r.a)) as (number | null)[];
        Object.assign(out.sums, { revenue: num(revenue), buying: num(buying) });
        out.medianVisitsToPurchase = numOrNull(visits);
        const converted = JSON.parse(String(r.b ?? '[]')) as (number | null)[];
        stages.slice(0, -1).forEach((st, i) => out.converted.set(st, num(converted[i])));
        break;
      }
      case 'land':
        out.landing.push({ stage: a, landing: String(r.b), sessions: num(r.n1), bounces: num(r.n2) });
        break;
      case 'mix': {
        const list = out.channels.get(a) ?? [];
        list.push({ name: String(r.b) || NO_CHANNEL, count: num(r.n1) });
        out.channels.set(a, list);
        break;
      }
      case 'reach':
        out.timeToReach.set(a, num(r.n1));
        break;
    }
  }
  for (const list of out.channels.values()) list.sort((x, y) => y.count - x.count || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return out;
}
