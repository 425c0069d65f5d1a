// GET /api/sites/:site/people (+ .csv) and /people/:id: the people of a period by current stage,
// the abandoned checkouts, and one person's timeline (collector/report/people.ts). Behind the
// admin token (app.ts); reads only.
import { Hono } from 'hono';
import * as v from 'valibot';
import { EventSchema } from '../../sdk/schema';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { DEFAULT_STAGES } from '../journey/stages';
import { csvCell } from '../report/csv';
import { peopleReport, personTimeline, type PeopleQuery, type PeopleReport } from '../report/people';
import { parseReportQuery } from '../report/query';
import { readOr503, siteParam } from './params';

const OWN = ['stage', 'abandoned', 'page'];
const NOT_HERE = [
  'channel',
  'source',
  'medium',
  'campaign',
  'content',
  'term',
  'device',
  'country',
  'pathFrom',
  'pathTo',
  'pathSteps',
  'minSessions',
];

function parsePeopleQuery(params: Record<string, string>, now: number, stages: readonly string[], extra: readonly string[]): PeopleQuery {
  for (const key of NOT_HERE)
    if (params[key] !== undefined)
      throw new ApiError(400, `${key} is not a parameter of people; use from, to, stage, persona, abandoned, page`);
  const { stage, abandoned, page, ...rest } = params;
  const base = parseReportQuery(rest, now, extra);
  const query: PeopleQuery = { from: base.from, to: base.to, page: 0 };
  if (base.persona !== undefined) query.persona = base.persona;
  if (stage !== undefined && stage !== '') {
    if (!stages.includes(stage)) throw new ApiError(400, `stage: ${JSON.stringify(stage.slice(0, 40))} is not one of ${stages.join(', ')}`);
    query.stage = stage;
  }
  if (abandoned !== undefined && abandoned !== '') {
    if (abandoned !== '1' && abandoned !== '0') throw new ApiError(400, 'abandoned: use 1 (only people who abandoned a checkout) or 0');
    query.abandoned = abandoned === '1';
  }
  if (page !== undefined && page !== '') {
    if (!/^\d{1,6}$/.test(page)) throw new ApiError(400, `page: ${JSON.stringify(page.slice(0, 20))} is not a whole number from 0`);
    query.page = Number(page);
  }
  return query;
}

const peopleCsv = (r: PeopleReport): string =>
  [
    [
      'person',
      'currentStage',
      'persona',
      'identified',
      'firstSeen',
      'lastSeen',
      'visits',
      'purchases',
      'firstChannel',
      'firstSource',
      'firstCampaign',
      'firstLanding',
      'abandonedAtStep',
      'abandonedAt',
    ],
    ...r.people.map((p) => [
      p.id,
      p.stage,
      p.persona,
      p.identified,
      new Date(p.firstSeen).toISOString(),
      new Date(p.lastSeen).toISOString(),
      p.visits,
      p.purchases,
      p.firstTouch?.channel,
      p.firstTouch?.source,
      p.firstTouch?.campaign,
      p.firstTouch?.landing,
      p.abandonedAt?.step,
      p.abandonedAt ? new Date(p.abandonedAt.time).toISOString() : null,
    ]),
  ]
    .map((cells) => cells.map((c) => csvCell(c)).join(','))
    .join('\r\n') + '\r\n';

/**
 * Routes of the people view. List query: `from`, `to`, `stage` (current stage), `persona`,
 * `abandoned=1`, `page` (50 a page). See docs/report.md "People".
 * @example curl -H "Authorization: Bearer $CJM_ADMIN_TOKEN" 'http://127.0.0.1:8787/api/sites/shop/people?stage=decision'
 */
export function peopleRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  const log = deps.log ?? console.error;
  const stages = deps.config.stages ?? DEFAULT_STAGES;

  app.get('/api/sites/:site/people', async (c) => {
    const site = siteParam(c);
    const query = parsePeopleQuery(c.req.query(), now(), stages, OWN);
    return c.json(await readOr503(log, 'people', () => peopleReport(deps.store, site, stages, query)), 200, {
      'Cache-Control': 'no-store',
    });
  });

  app.get('/api/sites/:site/people.csv', async (c) => {
    const site = siteParam(c);
    const query = parsePeopleQuery(c.req.query(), now(), stages, OWN);
    const r = await readOr503(log, 'people', () => peopleReport(deps.store, site, stages, query));
    return c.body(peopleCsv(r), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${site}-people.csv"`,
      'Cache-Control': 'no-store',
    });
  });

  app.get('/api/sites/:site/people/:id', async (c) => {
    const site = siteParam(c);
    const id = c.req.param('id');
    const checked = v.safeParse(EventSchema.pipe[0].entries.visitor, id);
    if (!checked.success || id === undefined) throw new ApiError(400, 'id: not a visitor id');
    const timeline = await readOr503(log, 'person timeline', () => personTimeline(deps.store, site, id, stages));
    if (!timeline) throw new ApiError(404, 'no such person (unknown, or erased)');
    return c.json(timeline, 200, { 'Cache-Control': 'no-store' });
  });
  return app;
}
