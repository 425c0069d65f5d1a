// Session facts shared by the stages, the totals and the bounce ranking: per landing page
// (and the stage of that page view), the sessions that landed there and how many bounced.
// docs/journey.md: a bounce has exactly one page view, under 10 s of engaged time and no
// interactive event. Only the session's events within the period count.
import type { Store } from '../store/types';
import { num, Sql, stageRows, type Scope } from './sql';

/** Sessions that landed on `landing` (a page view of `stage`), and their bounces. */
export interface LandingFacts {
  stage: string;
  landing: string;
  sessions: number;
  bounces: number;
}

/** Engaged time under which a one-page session is a bounce (docs/journey.md). */
export const BOUNCE_ENGAGED_MS = 10_000;

export async function landingFacts(store: Store, scope: Scope): Promise<LandingFacts[]> {
  const q = new Sql();
  const rows = await q.run(
    store,
    // One window over each session's rows: its totals, and its earliest page view first.
    `WITH b AS MATERIALIZED (${stageRows(q, scope)}),
    x AS (SELECT stage, first_view, ROW_NUMBER() OVER w AS rn,
            SUM(pageviews) OVER w AS pv, SUM(engaged_ms) OVER w AS eng, SUM(interactions) OVER w AS ia
          FROM b WHERE session <> ''
          WINDOW w AS (PARTITION BY session ORDER BY first_view IS NULL, first_view ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
    SELECT stage, substr(first_view, instr(first_view, char(31)) + 1) AS landing, COUNT(*) AS sessions,
      SUM(pv = 1 AND eng < ${BOUNCE_ENGAGED_MS} AND ia = 0) AS bounces
    FROM x WHERE rn = 1 AND first_view IS NOT NULL GROUP BY 1, 2`,
  );
  return rows.map((r) => ({ stage: String(r.stage), landing: String(r.landing), sessions: num(r.sessions), bounces: num(r.bounces) }));
}
