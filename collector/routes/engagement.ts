// GET /api/sites/:site/engagement (+ .csv): engaged time and scroll depth per stage and per
// landing page (collector/report/engagement.ts). Behind the admin token (app.ts); reads only.
import { Hono, type Context } from 'hono';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { DEFAULT_STAGES } from '../journey/stages';
import { csvCell } from '../report/csv';
import { engagementReport, type EngagementReport } from '../report/engagement';
import { parseReportQuery } from '../report/query';
import { scopeFilters } from '../filters';
import type { Scope } from '../store/reads';
import { readOr503, siteParam } from './params';

const NOT_HERE = ['pathFrom', 'pathTo', 'pathSteps', 'minSessions', 'funnelBy'];
const TABLES = ['stages', 'landing'] as const;

/**
 * Query: `from`, `to` and the journey report's filters; the CSV also takes `table` (stages,
 * landing).
 * @example curl -H "Authorization: Bearer $CJM_ADMIN_TOKEN" 'http://127.0.0.1:8787/api/sites/shop/engagement'
 */
export function engagementRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  const log = deps.log ?? console.error;
  const stages = deps.config.stages ?? DEFAULT_STAGES;

  async function report(
    c: Context<AppEnv>,
    extra: readonly string[] = [],
  ): Promise<{ site: string; query: Record<string, unknown> } & EngagementReport> {
    const site = siteParam(c);
    const params = c.req.query();
    for (const key of NOT_HERE) if (params[key] !== undefined) throw new ApiError(400, `${key} is not a parameter of engagement`);
    const base = parseReportQuery(params, now(), extra);
    const filters = scopeFilters(base);
    const scope: Scope = { site, from: base.from, to: base.to, ...filters };
    return {
      site,
      query: { from: base.from, to: base.to, ...filters },
      ...(await readOr503(log, 'engagement report', () => engagementReport(deps.store, scope, stages))),
    };
  }

  app.get('/api/sites/:site/engagement', async (c) => c.json(await report(c), 200, { 'Cache-Control': 'no-store' }));
  app.get('/api/sites/:site/engagement.csv', async (c) => {
    const table = c.req.query('table') || 'stages';
    if (!(TABLES as readonly string[]).includes(table))
      throw new ApiError(400, `table: ${JSON.stringify(table.slice(0, 40))} is not one of ${TABLES.join(', ')}`);
    const r = await report(c, ['table']);
    const round = (n: number | null, d: number) => (n === null ? null : Math.round(n * 10 ** d) / 10 ** d);
    const lines =
      table === 'stages'
        ? [
            ['stage', 'views', 'engagedMs', 'meanEngagedMs', 'meanScroll', 'deepScrollShare'],
            ...r.stages.map((s) => [
              s.stage,
              s.views,
              s.engagedMs,
              round(s.meanEngagedMs, 0),
              round(s.meanScroll, 2),
              round(s.deepScrollShare, 4),
            ]),
          ]
        : [
            ['landing', 'visits', 'engagedMs', 'meanEngagedMs', 'scrollViews', 'meanScroll', 'deepScrollShare'],
            ...r.landing.map((l) => [
              l.landing,
              l.visits,
              l.engagedMs,
              round(l.meanEngagedMs, 0),
              l.scrollViews,
              round(l.meanScroll, 2),
              round(l.deepScrollShare, 4),
            ]),
          ];
    return c.body(lines.map((l) => l.map((cell) => csvCell(cell)).join(',')).join('\r\n') + '\r\n', 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${r.site}-engagement-${table}.csv"`,
      'Cache-Control': 'no-store',
    });
  });
  return app;
}
