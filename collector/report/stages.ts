// The stage columns of the journey map (StageReport in types.ts): who reached each stage (and
// it or a later one), who entered the journey there, how many completed it, how long it took, through which touchpoints and channels, the
// bounces of sessions landing there, the pain points and the emotion.
import { HOUR_MS, PAIN_KINDS } from '../store/report-sql';
import type { Store } from '../store/types';
import { completionMeans, type CoreFacts } from './core';
import { eventsOfType, filterSql, isFiltered, num, ratio, split, Sql, touchpointEnds, type Scope } from './sql';
import { topCampaigns, withTopCampaigns } from './touchpoint-campaigns';
import type { Count, CurrentStage, PainKind, StageReport, TouchpointCount } from './types';

/** Touchpoints listed per stage; worst pages listed per pain kind. */
const TOP_TOUCHPOINTS = 8;
const WORST_PAGES = 3;
/** The name shown for a missing channel (sessions always have one; kept for safety). */
export const NO_CHANNEL = '(none)';

/** The top touchpoints of each stage, with the channels of their sessions. */
async function topTouchpoints(store: Store, scope: Scope): Promise<Map<string, TouchpointCount[]>> {
  const q = new Sql();
  // Events and distinct sessions per stage, touchpoint and channel (cc). The whole hours are
  // counted from report_touch_hours, in its key order (no sort; with a filter, from the
  // touchpoint rows of the period's hours and a sort of the few left); the partial hours at the ends
  // (few rows, from events) add their sessions that the whole hours do not already have for
  // the same stage, touchpoint and channel. Per stage and touchpoint, the sessions are the sum
  // over channels less the extra channels of the sessions that have several: those are among
  // the sessions with several visitors, channels, devices or countries (report_sessions
  // uniform = 0, a partial index) that overlap the period; one with a single channel in the
  // period adds nothing to the correction.
  const { hours, raw } = split(scope.from, scope.to);
  const site = q.p(scope.site);
  const h = hours ? [q.p(hours[0]), q.p(hours[1])] : null;
  const seen = (channel: boolean) =>
    h
      ? `NOT EXISTS (SELECT 1 FROM report_touchpoints p INDEXED BY report_touchpoints_session WHERE p.site = ${site} AND p.session = r.session
           AND p.stage = r.stage AND p.touchpoint = r.touchpoint${channel ? ' AND p.channel = r.channel' : ''}
           AND p.hour >= ${h[0]} AND p.hour < ${h[1]}${filterSql(q, scope, 'rollup')})`
      : '1';
  const hasRaw = raw.length > 0 || !hours;
  const filtered = isFiltered(scope);
  // The sessions with several visitors, channels, devices or countries overlapping the period.
  const mixed = `SELECT session FROM report_sessions INDEXED BY report_sessions_mixed WHERE site = ${site} AND uniform = 0
    AND last_hour >= ${q.p(Math.floor(scope.from / HOUR_MS))} AND first_hour <= ${q.p(Math.floor((scope.to - 1) / HOUR_MS))}`;
  const ccParts: string[] = [];
  if (h) {
    // Rows, not distinct sessions (no temporary table per group): a session has one row per
    // stage, touchpoint and channel unless it spans hours or changes visitor, device or country
    // (report_sessions tells which: few); those rows beyond its first are taken off.
    // (The mixed ones overlapping the period's ends too: they have no rows in the whole hours.)
    const several = `SELECT session FROM report_sessions INDEXED BY report_sessions_last WHERE site = ${site} AND last_hour >= ${h[0]} AND first_hour < ${h[1]} AND last_hour > first_hour
      UNION ${mixed}`;
    ccParts.push(
      filtered
        ? `SELECT stage, touchpoint, channel, SUM(touches) AS events, COUNT(*) FILTER (WHERE session <> '') AS n FROM report_touchpoints
            WHERE site = ${site} AND hour >= ${h[0]} AND hour < ${h[1]}${filterSql(q, scope, 'rollup')} GROUP BY stage, touchpoint, channel`
        : `SELECT stage, touchpoint, channel, SUM(touches) AS events, SUM(rollup_rows) AS n FROM report_touch_hours
            WHERE site = ${site} AND hour >= ${h[0]} AND hour < ${h[1]} GROUP BY stage, touchpoint, channel`,
      `SELECT stage, touchpoint, channel, 0, -SUM(k) FROM (SELECT stage, touchpoint, channel, COUNT(*) - 1 AS k FROM report_touchpoints INDEXED BY report_touchpoints_session
        WHERE site = ${site} AND session IN (${several}) AND hour >= ${h[0]} AND hour < ${h[1]}${filterSql(q, scope, 'rollup')} GROUP BY stage, touchpoint, channel, session)
        GROUP BY stage, touchpoint, channel`,
    );
  }
  if (hasRaw)
    ccParts.push(`SELECT stage, touchpoint, channel, SUM(touches) AS events, COUNT(DISTINCT CASE WHEN session <> '' AND ${seen(true)} THEN session END) AS n
      FROM r GROUP BY stage, touchpoint, channel`);
  const xParts: string[] = [];
  if (h)
    xParts.push(`SELECT stage, touchpoint, channel, session FROM report_touchpoints INDEXED BY report_touchpoints_session
      WHERE site = ${site} AND session IN (${mixed}) AND hour >= ${h[0]} AND hour < ${h[1]}${filterSql(q, scope, 'rollup')}`);
  if (hasRaw) xParts.push(`SELECT stage, touchpoint, channel, session FROM r WHERE session IN (${mixed})`);
  const a = `x AS (SELECT stage, touchpoint, SUM(k) AS extra FROM (SELECT stage, touchpoint, COUNT(DISTINCT channel) - 1 AS k FROM (${xParts.join(' UNION ALL ')})
         GROUP BY stage, touchpoint, session) GROUP BY stage, touchpoint),
    a AS (SELECT stage, touchpoint, SUM(events) AS events,
            SUM(n) - COALESCE((SELECT extra FROM x WHERE x.stage = cc.stage AND x.touchpoint = cc.touchpoint), 0) AS sessions
          FROM cc GROUP BY stage, touchpoint)`;
  const rows = await q.run(
    store,
    `WITH ${hasRaw ? `r AS MATERIALIZED (SELECT stage, touchpoint, channel, session, SUM(touches) AS touches FROM (${touchpointEnds(q, scope)})
      GROUP BY stage, touchpoint, channel, session),` : ''}
    cc AS MATERIALIZED (SELECT stage, touchpoint, channel, SUM(events) AS events, SUM(n) AS n FROM (${ccParts.join(' UNION ALL ')}) GROUP BY stage, touchpoint, channel),
    ${a},
    c AS (SELECT stage, touchpoint, channel, n FROM cc WHERE n > 0),
    top AS (SELECT * FROM (SELECT a.*, ROW_NUMBER() OVER (PARTITION BY stage ORDER BY events DESC, touchpoint) AS rn FROM a) WHERE rn <= ${TOP_TOUCHPOINTS})
    SELECT top.stage AS stage, top.touchpoint AS touchpoint, top.events AS events, top.sessions AS sessions, top.rn AS rn, c.channel AS channel, c.n AS n
    FROM top LEFT JOIN c ON c.stage = top.stage AND c.touchpoint = top.touchpoint
    ORDER BY stage, rn, n DESC, channel`,
  );
  const out = new Map<string, TouchpointCount[]>();
  for (const r of rows) {
    const list = out.get(String(r.stage)) ?? [];
    let tp = list.at(-1);
    if (!tp || tp.touchpoint !== String(r.touchpoint)) {
      tp = { touchpoint: String(r.touchpoint), events: num(r.events), sessions: num(r.sessions), channels: [], topCampaign: null };
      list.push(tp);
      out.set(String(r.stage), list);
    }
    if (r.channel != null) tp.channels.push({ name: String(r.channel) || NO_CHANNEL, count: num(r.n) });
  }
  return out;
}

type Pains = StageReport['painPoints'];

/** Pain points of each stage by kind, with each kind's worst pages. */
async function painPoints(store: Store, scope: Scope): Promise<Map<string, Pains>> {
  const q = new Sql();
  const rows = await q.run(
    store,
    `SELECT stage, name AS kind, page, COUNT(*) AS n FROM (${eventsOfType(q, scope, 'pain', "COALESCE(stage, '') AS stage, name, COALESCE(path, '') AS page")})
     WHERE name IN (${PAIN_KINDS.map((k) => q.p(k)).join(', ')}) GROUP BY 1, 2, 3`,
  );
  const out = new Map<string, Pains>();
  for (const r of rows) {
    const stage = String(r.stage);
    const p = out.get(stage) ?? { total: 0, byKind: [] };
    out.set(stage, p);
    const kind = String(r.kind) as PainKind;
    let k = p.byKind.find((x) => x.kind === kind);
    if (!k) p.byKind.push((k = { kind, count: 0, worstPages: [] }));
    k.count += num(r.n);
    k.worstPages.push({ name: String(r.page), count: num(r.n) });
    p.total += num(r.n);
  }
  for (const p of out.values()) {
    p.byKind.sort((a, b) => b.count - a.count || PAIN_KINDS.indexOf(a.kind) - PAIN_KINDS.indexOf(b.kind));
    for (const k of p.byKind) k.worstPages = k.worstPages.sort(byCount).slice(0, WORST_PAGES);
  }
  return out;
}

/** Most first, then by name. */
export const byCount = (a: Count, b: Count): number => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);


/** The figures a target or the period comparison can use, without the detail lists. */
export type StageCore = Pick<
  StageReport,
  | 'stage' | 'visitors' | 'sessions' | 'reachedOrLater' | 'reach' | 'entered' | 'enteredShare'
  | 'completionMeans' | 'completed' | 'completion' | 'conversion' | 'dropOff' | 'landingSessions' | 'bounces' | 'bounceRate'
> & {
  emotion: StageReport['emotion'];
};

/** Core figures of every stage, in the site's order, from the period's {@link CoreFacts}. */
export function stageCore(facts: CoreFacts, stages: readonly string[]): StageCore[] {
  const { perStage: per, landing } = facts;
  const people = facts.sums.visitors;
  return stages.map((stage, i) => {
    const p = per.get(stage) ?? { visitors: 0, sessions: 0, fbN: 0, fbSum: 0, pained: 0, reachedOrLater: 0, entered: 0, completed: 0 };
    const means = completionMeans(stages, i);
    const completion = means === null ? null : ratio(p.completed, p.visitors);
    const landed = landing.filter((l) => l.stage === stage);
    const landingSessions = landed.reduce((n, l) => n + l.sessions, 0);
    const bounces = landed.reduce((n, l) => n + l.bounces, 0);
    return {
      stage,
      visitors: p.visitors,
      sessions: p.sessions,
      reachedOrLater: p.reachedOrLater,
      reach: ratio(p.reachedOrLater, people),
      entered: p.entered,
      enteredShare: ratio(p.entered, people),
      completionMeans: means,
      completed: means === null ? 0 : p.completed,
      completion,
      conversion: completion,
      dropOff: completion === null ? null : 1 - completion,
      landingSessions,
      bounces,
      bounceRate: ratio(bounces, landingSessions),
      emotion: { feedbackMean: ratio(p.fbSum, p.fbN), feedbackCount: p.fbN, frustration: ratio(p.pained, p.sessions) ?? 0 },
    };
  });
}

/** Where people are now: the period's people by the furthest stage they ever reached. */
export function currentStages(facts: CoreFacts, stages: readonly string[]): CurrentStage[] {
  return stages.map((stage) => {
    const visitors = facts.current.get(stage) ?? 0;
    return { stage, visitors, share: ratio(visitors, facts.sums.visitors) };
  });
}

/** What the stage reports add to the core figures: the top touchpoints and the pain points. */
export interface StageDetails {
  touchpoints: Map<string, TouchpointCount[]>;
  pains: Map<string, Pains>;
}

/** The stage details of a scope (queries of their own, run beside the core figures). */
export async function stageDetails(store: Store, scope: Scope): Promise<StageDetails> {
  const [touchpoints, pains] = await Promise.all(
    [topTouchpoints(store, scope).then(async (listed) => withTopCampaigns(listed, await topCampaigns(store, scope, listed))), painPoints(store, scope)] as const,
  );
  return { touchpoints, pains };
}

/** Full stage reports: the core figures plus timeline, touchpoints, channel mix and pain points. */
export function stageReports(facts: CoreFacts, core: StageCore[], { touchpoints, pains }: StageDetails): StageReport[] {
  return core.map((c) => {
    const mix = facts.channels.get(c.stage) ?? [];
    return {
      stage: c.stage,
      visitors: c.visitors,
      sessions: c.sessions,
      reachedOrLater: c.reachedOrLater,
      reach: c.reach,
      entered: c.entered,
      enteredShare: c.enteredShare,
      completionMeans: c.completionMeans,
      completed: c.completed,
      completion: c.completion,
      conversion: c.conversion,
      dropOff: c.dropOff,
      medianTimeToReachMs: facts.timeToReach.get(c.stage) ?? null,
      touchpoints: touchpoints.get(c.stage) ?? [],
      channels: mix.map((m) => ({ ...m, share: ratio(m.count, c.sessions) ?? 0 })),
      landingSessions: c.landingSessions,
      bounces: c.bounces,
      bounceRate: c.bounceRate,
      painPoints: pains.get(c.stage) ?? { total: 0, byKind: [] },
      emotion: c.emotion,
    };
  });
}
