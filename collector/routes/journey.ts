// GET /api/sites/:site/journey (JSON) and /journey.csv: the journey report of one site.
// Auth is applied to /api/* in app.ts; the report reads the store, never writes it.
import { Hono, type Context } from 'hono';
import { targetsForSite } from '../config';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { DEFAULT_STAGES } from '../journey/stages';
import { CSV_ALIASES, CSV_TABLES, reportCsv, type CsvTable } from '../report/csv';
import { journeyReport, type JourneyReport } from '../report/index';
import { parseReportQuery } from '../report/query';
import { siteParam } from './params';

/**
 * Routes of the journey report. Query: `from`, `to` (ISO date or time, or epoch ms; default
 * the last 30 days), `persona`, `channel`, `device`, `country`, `pathFrom`, `pathTo`,
 * `pathSteps` (1–10), `minSessions`; the CSV also takes `table`. See docs/report.md.
 * @example curl -H "Authorization: Bearer $CJM_ADMIN_TOKEN" 'http://127.0.0.1:8787/api/sites/shop/journey?from=2025-01-01&to=2025-01-31'
 */
export function journeyRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  const log = deps.log ?? console.error;

  async function report(c: Context<AppEnv>, extra: readonly string[] = []): Promise<JourneyReport> {
    const site = siteParam(c);
    const query = parseReportQuery(c.req.query(), now(), extra);
    try {
      return await journeyReport(deps.store, site, query, {
        stages: deps.config.stages ?? DEFAULT_STAGES,
        targets: targetsForSite(deps.config, site),
      });
    } catch (err) {
      log('cjm: journey report failed', err);
      throw new ApiError(503, 'storage unavailable');
    }
  }

  app.get('/api/sites/:site/journey', async (c) => c.json(await report(c), 200, { 'Cache-Control': 'no-store' }));

  app.get('/api/sites/:site/journey.csv', async (c) => {
    const name = c.req.query('table');
    let table: CsvTable | undefined;
    if (name !== undefined && name !== '') {
      table = name in CSV_TABLES ? (name as CsvTable) : CSV_ALIASES[name];
      if (!table)
        throw new ApiError(400, `table: ${JSON.stringify(name.slice(0, 40))} is not one of ${Object.keys(CSV_TABLES).join(', ')}`);
    }
    const r = await report(c, ['table']);
    const file = `${r.site}-journey${table ? `-${table}` : ''}.csv`;
    return c.body(reportCsv(r, table), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${file}"`,
      'Cache-Control': 'no-store',
    });
  });
  return app;
}
