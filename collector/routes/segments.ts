// GET /api/sites/:site/segments (+ .csv): two segments of the journey side by side
// (collector/report/segments.ts). Behind the admin token (app.ts); reads only.
import { Hono, type Context } from 'hono';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { DEFAULT_STAGES } from '../journey/stages';
import { csvCell } from '../report/csv';
import { parseReportQuery } from '../report/query';
import { parseSegment, segmentSummaries, type Segment, type SegmentSummary } from '../report/segments';
import { scopeFilters } from '../filters';
import type { Scope } from '../store/reads';
import { readOr503, siteParam } from './params';

const NOT_HERE = ['pathFrom', 'pathTo', 'pathSteps', 'minSessions', 'funnelBy'];

/**
 * Query: `a` and `b`, each `key:value[,key:value…]` (keys: the journey report's filters), `from`,
 * `to` and filters both segments share.
 * @example curl -H "Authorization: Bearer $CJM_ADMIN_TOKEN" 'http://127.0.0.1:8787/api/sites/shop/segments?a=channel:email&b=channel:paid%20social'
 */
export function segmentRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  const log = deps.log ?? console.error;
  const stages = deps.config.stages ?? DEFAULT_STAGES;

  async function report(
    c: Context<AppEnv>,
    extra: readonly string[] = [],
  ): Promise<{ site: string; query: Record<string, unknown>; segments: SegmentSummary[] }> {
    const site = siteParam(c);
    const { a, b, ...params } = c.req.query();
    for (const key of NOT_HERE) if (params[key] !== undefined) throw new ApiError(400, `${key} is not a parameter of segments`);
    const segments: Segment[] = [];
    for (const [name, text] of [
      ['a', a],
      ['b', b],
    ] as const) {
      if (text === undefined || text === '')
        throw new ApiError(400, `${name}: the segment to compare, as key:value (e.g. ${name}=channel:email)`);
      const seg = parseSegment(text);
      if (typeof seg === 'string') throw new ApiError(400, `${name}: ${seg}`);
      segments.push(seg);
    }
    const base = parseReportQuery(params, now(), extra);
    const filters = scopeFilters(base);
    const scope: Scope = { site, from: base.from, to: base.to, ...filters };
    return {
      site,
      query: { from: base.from, to: base.to, ...filters, a, b },
      segments: await readOr503(log, 'segments report', () => segmentSummaries(deps.store, scope, stages, segments)),
    };
  }

  app.get('/api/sites/:site/segments', async (c) => c.json(await report(c), 200, { 'Cache-Control': 'no-store' }));
  app.get('/api/sites/:site/segments.csv', async (c) => {
    const r = await report(c);
    const [a, b] = r.segments as [SegmentSummary, SegmentSummary];
    const round = (n: number | null, d = 4) => (n === null ? null : Math.round(n * 10 ** d) / 10 ** d);
    const lines: unknown[][] = [
      ['figure', 'stage', a.label, b.label],
      ...(['visitors', 'sessions', 'purchases', 'revenue', 'conversionRate'] as const).map((k) => [
        k,
        '',
        round(a[k], k === 'revenue' ? 2 : 4),
        round(b[k], k === 'revenue' ? 2 : 4),
      ]),
      ...a.stages.flatMap((s, i) =>
        (['reachedOrLater', 'reach', 'entered', 'enteredShare', 'completion'] as const).map((k) => [
          k,
          s.stage,
          round(s[k]),
          round(b.stages[i]![k]),
        ]),
      ),
    ];
    return c.body(lines.map((l) => l.map((cell) => csvCell(cell as string | number | null)).join(',')).join('\r\n') + '\r\n', 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${r.site}-segments.csv"`,
      'Cache-Control': 'no-store',
    });
  });
  return app;
}
