// GET /api/sites/:site/campaigns (+ .csv): the period's visits by source / medium / campaign
// (collector/report/campaigns.ts). Behind the admin token (app.ts); reads only.
import { Hono, type Context } from 'hono';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { DEFAULT_STAGES, stageOf } from '../journey/stages';
import { CAMPAIGN_KEYS, campaignReport, type CampaignKey, type CampaignQuery, type CampaignReport } from '../report/campaigns';
import { csvCell } from '../report/csv';
import { parseReportQuery } from '../report/query';
import { scopeFilters } from '../filters';
import { readOr503, siteParam } from './params';

const NOT_HERE = ['pathFrom', 'pathTo', 'pathSteps', 'minSessions'];

/**
 * Routes of the campaigns and segments table. Query: `from`, `to`, `by` (campaign — source /
 * medium / campaign —, source, medium, content, term, channel, landing, device, browser, os,
 * country), `persona`, `channel`, `device`, `country`, `source`, `medium`, `campaign`, `content`, `term`.
 * @example curl -H "Authorization: Bearer $CJM_ADMIN_TOKEN" 'http://127.0.0.1:8787/api/sites/shop/campaigns?by=content'
 */
export function campaignRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  const log = deps.log ?? console.error;
  const decision = stageOf('decision', deps.config.stages ?? DEFAULT_STAGES);

  async function report(c: Context<AppEnv>): Promise<CampaignReport> {
    const site = siteParam(c);
    const params = c.req.query();
    for (const key of NOT_HERE) if (params[key] !== undefined) throw new ApiError(400, `${key} is not a parameter of campaigns`);
    const { by, ...rest } = params;
    if (by !== undefined && by !== '' && !(CAMPAIGN_KEYS as readonly string[]).includes(by))
      throw new ApiError(400, `by: ${JSON.stringify(by.slice(0, 40))} is not one of ${CAMPAIGN_KEYS.join(', ')}`);
    const base = parseReportQuery(rest, now());
    const query: CampaignQuery = { from: base.from, to: base.to, by: (by || 'campaign') as CampaignKey };
    Object.assign(query, scopeFilters(base));
    return readOr503(log, 'campaigns report', () => campaignReport(deps.store, site, query, decision));
  }

  app.get('/api/sites/:site/campaigns', async (c) => c.json(await report(c), 200, { 'Cache-Control': 'no-store' }));
  app.get('/api/sites/:site/campaigns.csv', async (c) => {
    const r = await report(c);
    const head = [
      r.query.by === 'campaign' ? 'source / medium / campaign' : r.query.by,
      'visitors',
      'visits',
      'bounces',
      'bounceRate',
      'reachedDecision',
      'purchases',
      'revenue',
      'conversionRate',
      'errorVisits',
    ];
    const round = (n: number | null, d: number) => (n === null ? null : Math.round(n * 10 ** d) / 10 ** d);
    const lines = [
      head,
      ...r.rows.map((x) => [
        x.name,
        x.visitors,
        x.visits,
        x.bounces,
        round(x.bounceRate, 4),
        x.reachedDecision,
        x.purchases,
        round(x.revenue, 2),
        round(x.conversionRate, 4),
        x.errorVisits,
      ]),
    ];
    return c.body(lines.map((l) => l.map((cell) => csvCell(cell)).join(',')).join('\r\n') + '\r\n', 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${r.site}-campaigns.csv"`,
      'Cache-Control': 'no-store',
    });
  });
  return app;
}
