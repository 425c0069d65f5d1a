// GET /api/sites/:site/attribution (JSON) and /attribution.csv: which visits and channels led
// to the period's conversions (collector/report/attribution.ts). Auth is applied to /api/* in
// app.ts; the report reads the store, never writes it.
import { Hono, type Context } from 'hono';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { attributionCsv, ATTRIBUTION_TABLES, type AttributionTable } from '../report/attribution-csv';
import {
  attributionReport,
  DEFAULT_LOOKBACK_DAYS,
  MAX_LOOKBACK_DAYS,
  type AttributionQuery,
  type AttributionReport,
} from '../report/attribution';
import { parseReportQuery } from '../report/query';
import { readOr503, siteParam } from './params';

/** Query parameters of the journey report that mean nothing here (the models credit channels). */
const NOT_HERE = ['channel', 'source', 'medium', 'campaign', 'content', 'term', 'pathFrom', 'pathTo', 'pathSteps', 'minSessions'];

function parseAttributionQuery(params: Record<string, string>, now: number, extra: readonly string[]): AttributionQuery {
  for (const key of NOT_HERE)
    if (params[key] !== undefined)
      throw new ApiError(400, `${key} is not a parameter of attribution; use from, to, lookbackDays, goal, persona, device, country`);
  const { lookbackDays, goal, ...rest } = params;
  const base = parseReportQuery(rest, now, extra);
  let days = DEFAULT_LOOKBACK_DAYS;
  if (lookbackDays !== undefined && lookbackDays !== '') {
    if (!/^\d{1,3}$/.test(lookbackDays) || +lookbackDays < 1 || +lookbackDays > MAX_LOOKBACK_DAYS)
      throw new ApiError(
        400,
        `lookbackDays: ${JSON.stringify(lookbackDays.slice(0, 20))} is not a whole number from 1 to ${MAX_LOOKBACK_DAYS}`,
      );
    days = +lookbackDays;
  }
  const g = goal === undefined || goal === '' ? 'purchase' : goal;
  if (g.length > 200) throw new ApiError(400, 'goal: longer than 200 characters');
  const query: AttributionQuery = { from: base.from, to: base.to, lookbackDays: days, goal: g };
  if (base.persona !== undefined) query.persona = base.persona;
  if (base.device !== undefined) query.device = base.device;
  if (base.country !== undefined) query.country = base.country;
  return query;
}

/**
 * Routes of the attribution report. Query: `from`, `to` (as the journey report), `lookbackDays`
 * (1–365, default 30), `goal` (`purchase`, a custom event's name or a page path), `persona`,
 * `device`, `country`; the CSV also takes `table`. See docs/report.md "Attribution".
 * @example curl -H "Authorization: Bearer $CJM_ADMIN_TOKEN" 'http://127.0.0.1:8787/api/sites/shop/attribution?lookbackDays=14'
 */
export function attributionRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  const log = deps.log ?? console.error;

  async function report(c: Context<AppEnv>, extra: readonly string[] = []): Promise<AttributionReport> {
    const site = siteParam(c);
    const query = parseAttributionQuery(c.req.query(), now(), extra);
    return readOr503(log, 'attribution report', () => attributionReport(deps.store, site, query));
  }

  app.get('/api/sites/:site/attribution', async (c) => c.json(await report(c), 200, { 'Cache-Control': 'no-store' }));

  app.get('/api/sites/:site/attribution.csv', async (c) => {
    const name = c.req.query('table');
    let table: AttributionTable | undefined;
    if (name !== undefined && name !== '') {
      if (!(name in ATTRIBUTION_TABLES))
        throw new ApiError(400, `table: ${JSON.stringify(name.slice(0, 40))} is not one of ${Object.keys(ATTRIBUTION_TABLES).join(', ')}`);
      table = name as AttributionTable;
    }
    const r = await report(c, ['table']);
    return c.body(attributionCsv(r, table), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${r.site}-attribution${table ? `-${table}` : ''}.csv"`,
      'Cache-Control': 'no-store',
    });
  });
  return app;
}
