// GET /api/sites/:site/person-paths (+ .csv): paths per person across visits
// (collector/report/person-paths.ts). Behind the admin token (app.ts); reads only.
import { Hono, type Context } from 'hono';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { csvCell } from '../report/csv';
import { personPaths, type PersonPaths } from '../report/person-paths';
import { parseReportQuery } from '../report/query';
import { scopeFilters } from '../filters';
import type { Scope } from '../store/reads';
import { readOr503, siteParam } from './params';

const NOT_HERE = ['minSessions', 'funnelBy'];

/**
 * Query: as the journey report's paths — `pathFrom`, `pathTo`, `pathSteps` — with `from`, `to`
 * and the filters.
 * @example curl -H "Authorization: Bearer $CJM_ADMIN_TOKEN" 'http://127.0.0.1:8787/api/sites/shop/person-paths?pathTo=purchase'
 */
export function personPathRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  const log = deps.log ?? console.error;

  async function report(c: Context<AppEnv>): Promise<{ site: string } & PersonPaths> {
    const site = siteParam(c);
    const params = c.req.query();
    for (const key of NOT_HERE) if (params[key] !== undefined) throw new ApiError(400, `${key} is not a parameter of person-paths`);
    const q = parseReportQuery(params, now());
    const scope: Scope = { site, from: q.from, to: q.to, ...scopeFilters(q) };
    return {
      site,
      ...(await readOr503(log, 'person paths', () =>
        personPaths(deps.store, scope, { from: q.pathFrom, to: q.pathTo, steps: q.pathSteps }),
      )),
    };
  }

  app.get('/api/sites/:site/person-paths', async (c) => c.json(await report(c), 200, { 'Cache-Control': 'no-store' }));
  app.get('/api/sites/:site/person-paths.csv', async (c) => {
    const r = await report(c);
    const lines = [
      ['path', 'visits', 'people'],
      ...r.sequences.map((s) => [s.steps.join(' > '), s.steps.filter((x) => x === r.visitBoundary).length + 1, s.people]),
    ];
    return c.body(lines.map((l) => l.map((cell) => csvCell(cell)).join(',')).join('\r\n') + '\r\n', 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${r.site}-person-paths.csv"`,
      'Cache-Control': 'no-store',
    });
  });
  return app;
}
