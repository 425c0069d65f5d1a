// Goals declared without code (collector/goals.ts): GET /api/sites/:site/goals (+ .csv) lists a
// site's goals with their figures (collector/report/goals.ts); POST adds one, DELETE removes one
// added through the API (stored, migration 0015). Behind the admin token (app.ts: writing needs
// an admin of the site or the super-admin; a viewer token reads).
import { Hono, type Context } from 'hono';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { goalProblem, labelProblem, MAX_GOALS, siteGoals, type Goal } from '../goals';
import { DEFAULT_STAGES } from '../journey/stages';
import { csvCell } from '../report/csv';
import { goalsReport, type GoalsReport } from '../report/goals';
import { parseReportQuery } from '../report/query';
import { scopeFilters } from '../filters';
import type { Scope } from '../store/reads';
import { readOr503, siteParam } from './params';

const NOT_HERE = ['pathFrom', 'pathTo', 'pathSteps', 'minSessions', 'funnelBy'];
const TABLES = ['goals', 'stages'] as const;

/**
 * Query of the list: `from`, `to` and the journey report's filters (`persona`, `channel`,
 * `device`, `country`, `source`, `medium`, `campaign`, `content`, `term`); the CSV also takes
 * `table` (goals, stages). POST body: `{"goal": "newsletter_signup" | "/pricing", "label"?: "…"}`.
 * DELETE: `?goal=…`.
 * @example curl -X POST -H "Authorization: Bearer $CJM_ADMIN_TOKEN" -d '{"goal":"/pricing"}' http://127.0.0.1:8787/api/sites/shop/goals
 */
export function goalRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  const log = deps.log ?? console.error;
  const stages = deps.config.stages ?? DEFAULT_STAGES;

  async function goalsOf(site: string): Promise<Goal[]> {
    const stored = deps.store.saveGoal ? await deps.store.reads.goals(site) : [];
    return siteGoals(deps.config.goals, site, stored);
  }

  async function report(c: Context<AppEnv>, extra: readonly string[] = []): Promise<GoalsReport> {
    const site = siteParam(c);
    const params = c.req.query();
    for (const key of NOT_HERE) if (params[key] !== undefined) throw new ApiError(400, `${key} is not a parameter of goals`);
    const base = parseReportQuery(params, now(), extra);
    const filters = scopeFilters(base);
    const scope: Scope = { site, from: base.from, to: base.to, ...filters };
    return readOr503(log, 'goals report', async () => ({
      site,
      query: { from: base.from, to: base.to, ...filters },
      ...(await goalsReport(deps.store, scope, stages, await goalsOf(site))),
    }));
  }

  app.get('/api/sites/:site/goals', async (c) => c.json(await report(c), 200, { 'Cache-Control': 'no-store' }));

  app.get('/api/sites/:site/goals.csv', async (c) => {
    const table = c.req.query('table') || 'goals';
    if (!(TABLES as readonly string[]).includes(table))
      throw new ApiError(400, `table: ${JSON.stringify(table.slice(0, 40))} is not one of ${TABLES.join(', ')}`);
    const r = await report(c, ['table']);
    const round = (n: number | null) => (n === null ? null : Math.round(n * 1e4) / 1e4);
    const lines =
      table === 'goals'
        ? [
            ['goal', 'label', 'kind', 'declared', 'conversions', 'events', 'conversionRate'],
            ...r.goals.map((g) => [g.goal, g.label, g.kind, g.declared, g.conversions, g.events, round(g.conversionRate)]),
          ]
        : [
            ['goal', 'stage', 'reached', 'thenGoal', 'rate'],
            ...r.goals.flatMap((g) => g.stages.map((s) => [g.goal, s.stage, s.reached, s.thenGoal, round(s.rate)])),
          ];
    return c.body(lines.map((l) => l.map((cell) => csvCell(cell)).join(',')).join('\r\n') + '\r\n', 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${r.site}-goals${table === 'goals' ? '' : `-${table}`}.csv"`,
      'Cache-Control': 'no-store',
    });
  });

  app.post('/api/sites/:site/goals', async (c) => {
    const site = siteParam(c);
    const save = deps.store.saveGoal?.bind(deps.store);
    if (!save) throw new ApiError(501, 'this store keeps no goals; declare them in CJM_GOALS');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new ApiError(400, 'body: expected JSON such as {"goal": "newsletter_signup", "label": "Newsletter"}');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new ApiError(400, 'body: expected a JSON object {"goal": …, "label"?: …}');
    const { goal, label, ...rest } = body as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) throw new ApiError(400, `${extra.slice(0, 40)}: unknown field; use goal, label`);
    const gp = goalProblem(goal);
    if (gp) throw new ApiError(400, `goal: ${gp}`);
    const lp = labelProblem(label);
    if (lp) throw new ApiError(400, `label: ${lp}`);
    const name = goal as string;
    const existing = await readOr503(log, 'reading goals', () => goalsOf(site));
    const same = existing.find((g) => g.goal === name);
    if (same?.declared === 'config') throw new ApiError(409, `goal: "${name.slice(0, 60)}" is declared in CJM_GOALS; change it there`);
    if (!same && existing.length >= MAX_GOALS)
      throw new ApiError(409, `goal: site "${site}" has ${MAX_GOALS} goals already (the most); remove one first`);
    await readOr503(log, 'saving a goal', () => save(site, name, (label as string | undefined) || null, now()));
    return c.json({ goal: name, label: (label as string | undefined) || null, declared: 'api' }, same ? 200 : 201);
  });

  app.delete('/api/sites/:site/goals', async (c) => {
    const site = siteParam(c);
    const goal = c.req.query('goal');
    if (!goal) throw new ApiError(400, 'goal: the goal to remove, as ?goal=…');
    const remove = deps.store.deleteGoal?.bind(deps.store);
    if (!remove) throw new ApiError(501, 'this store keeps no goals; declare them in CJM_GOALS');
    const existing = await readOr503(log, 'reading goals', () => goalsOf(site));
    if (existing.find((g) => g.goal === goal)?.declared === 'config')
      throw new ApiError(409, `goal: "${goal.slice(0, 60)}" is declared in CJM_GOALS; remove it there`);
    const removed = await readOr503(log, 'removing a goal', () => remove(site, goal));
    if (!removed) throw new ApiError(404, `goal: "${goal.slice(0, 60)}" is not a goal of site "${site}"`);
    return c.body(null, 204);
  });
  return app;
}
