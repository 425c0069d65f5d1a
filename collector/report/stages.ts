// The stage columns of the journey map (StageReport in types.ts): who reached each stage, how
// many went on to the next, how long it took, through which touchpoints and channels, the
// bounces of sessions landing there, the pain points and the emotion.
import { PAIN_KINDS } from '../store/report-sql';
import type { Store } from '../store/types';
import type { LandingFacts } from './sessions';
import { eventsOfType, medianSql, num, ratio, Sql, stageRows, touchpointRows, type Scope } from './sql';
import type { Count, PainKind, StageReport, TouchpointCount } from './types';

/** Touchpoints listed per stage; worst pages listed per pain kind. */
const TOP_TOUCHPOINTS = 8;
const WORST_PAGES = 3;
/** The name shown for a missing channel (sessions always have one; kept for safety). */
const NO_CHANNEL = '(none)';

/**
 * Per stage: visitors, sessions, feedback and pained sessions; and (rows of kind 'conv') the
 * visitors of each stage who also reached the next one.
 */
async function reachAndEmotion(store: Store, scope: Scope, stages: readonly string[]) {
  const q = new Sql();
  const src = stageRows(q, scope);
  const flags = stages.map((st, i) => `MAX(stage = ${q.p(st)}) AS s${i}`).join(', ');
  const conv = stages
    .slice(0, -1)
    .map((st, i) => `UNION ALL SELECT 'conv', ${q.p(st)}, SUM(s${i} AND s${i + 1}), 0, 0, 0, 0 FROM f`)
    .join('\n');
  const rows = await q.run(
    store,
    `WITH b AS MATERIALIZED (${src}),
    f AS MATERIALIZED (SELECT ${flags} FROM b WHERE visitor <> '' GROUP BY visitor)
    SELECT 'stage' AS kind, stage, COUNT(DISTINCT NULLIF(visitor, '')) AS visitors, COUNT(DISTINCT NULLIF(session, '')) AS sessions,
      SUM(feedbacks) AS fb_n, SUM(feedback_sum) AS fb_sum, COUNT(DISTINCT CASE WHEN pains > 0 THEN NULLIF(session, '') END) AS pained
    FROM b GROUP BY stage
    ${conv}`,
  );
  const per = new Map<string, { visitors: number; sessions: number; fbN: number; fbSum: number; pained: number }>();
  const converted = new Map<string, number>();
  for (const r of rows) {
    if (r.kind === 'conv') converted.set(String(r.stage), num(r.visitors));
    else per.set(String(r.stage), { visitors: num(r.visitors), sessions: num(r.sessions), fbN: num(r.fb_n), fbSum: num(r.fb_sum), pained: num(r.pained) });
  }
  return { per, converted };
}

/** Median, per stage, of (first event in the stage in the period − the visitor's first touch ever). */
async function medianTimeToReach(store: Store, scope: Scope): Promise<Map<string, number>> {
  const q = new Sql();
  const src = stageRows(q, scope);
  const site = q.p(scope.site);
  const rows = await q.run(
    store,
    `WITH b AS MATERIALIZED (${src}),
    f AS (SELECT stage, visitor, MIN(first_time) AS t FROM b WHERE visitor <> '' GROUP BY stage, visitor),
    d AS (SELECT f.stage AS stage, f.t - v.first_seen AS ms FROM f JOIN visitors v ON v.site = ${site} AND v.visitor = f.visitor)
    ${medianSql('d', 'stage', 'ms')}`,
  );
  return new Map(rows.map((r) => [String(r.grp), num(r.median)]));
}

/** Sessions of each stage by channel. */
async function channelMix(store: Store, scope: Scope): Promise<Map<string, Count[]>> {
  const q = new Sql();
  const rows = await q.run(
    store,
    `WITH b AS (${stageRows(q, scope)})
    SELECT stage, channel, COUNT(DISTINCT session) AS n FROM b WHERE session <> '' GROUP BY stage, channel ORDER BY stage, n DESC, channel`,
  );
  const out = new Map<string, Count[]>();
  for (const r of rows) push(out, String(r.stage), { name: String(r.channel) || NO_CHANNEL, count: num(r.n) });
  return out;
}

/** The top touchpoints of each stage, with the channels of their sessions. */
async function topTouchpoints(store: Store, scope: Scope): Promise<Map<string, TouchpointCount[]>> {
  const q = new Sql();
  const rows = await q.run(
    store,
    `WITH t AS MATERIALIZED (${touchpointRows(q, scope)}),
    a AS (SELECT stage, touchpoint, SUM(touches) AS events, COUNT(DISTINCT NULLIF(session, '')) AS sessions FROM t GROUP BY stage, touchpoint),
    top AS (SELECT * FROM (SELECT a.*, ROW_NUMBER() OVER (PARTITION BY stage ORDER BY events DESC, touchpoint) AS rn FROM a) WHERE rn <= ${TOP_TOUCHPOINTS})
    SELECT top.stage AS stage, top.touchpoint AS touchpoint, top.events AS events, top.sessions AS sessions, top.rn AS rn,
      t.channel AS channel, COUNT(DISTINCT t.session) AS n
    FROM top LEFT JOIN t ON t.stage = top.stage AND t.touchpoint = top.touchpoint AND t.session <> ''
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY stage, rn, n DESC, channel`,
  );
  const out = new Map<string, TouchpointCount[]>();
  for (const r of rows) {
    const list = out.get(String(r.stage)) ?? [];
    let tp = list.at(-1);
    if (!tp || tp.touchpoint !== String(r.touchpoint)) {
      tp = { touchpoint: String(r.touchpoint), events: num(r.events), sessions: num(r.sessions), channels: [] };
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

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The figures a target or the period comparison can use, without the detail lists. */
export type StageCore = Pick<StageReport, 'stage' | 'visitors' | 'sessions' | 'reach' | 'conversion' | 'dropOff' | 'landingSessions' | 'bounces' | 'bounceRate'> & {
  emotion: StageReport['emotion'];
};

/** Core figures of every stage, in the site's order. `landing` comes from sessions.ts. */
export async function stageCore(store: Store, scope: Scope, stages: readonly string[], landing: LandingFacts[]): Promise<StageCore[]> {
  const { per, converted } = await reachAndEmotion(store, scope, stages);
  const firstVisitors = stages.map((s) => per.get(s)?.visitors ?? 0).find((v) => v > 0) ?? 0;
  return stages.map((stage, i) => {
    const p = per.get(stage) ?? { visitors: 0, sessions: 0, fbN: 0, fbSum: 0, pained: 0 };
    const last = i === stages.length - 1;
    const conversion = last ? null : ratio(converted.get(stage) ?? 0, p.visitors);
    const landed = landing.filter((l) => l.stage === stage);
    const landingSessions = landed.reduce((n, l) => n + l.sessions, 0);
    const bounces = landed.reduce((n, l) => n + l.bounces, 0);
    return {
      stage,
      visitors: p.visitors,
      sessions: p.sessions,
      reach: ratio(p.visitors, firstVisitors),
      conversion,
      dropOff: conversion === null ? null : 1 - conversion,
      landingSessions,
      bounces,
      bounceRate: ratio(bounces, landingSessions),
      emotion: { feedbackMean: ratio(p.fbSum, p.fbN), feedbackCount: p.fbN, frustration: ratio(p.pained, p.sessions) ?? 0 },
    };
  });
}

/** Full stage reports: the core figures plus timeline, touchpoints, channel mix and pain points. */
export async function stageReports(store: Store, scope: Scope, core: StageCore[]): Promise<StageReport[]> {
  const [median, channels, touchpoints, pains] = await Promise.all([
    medianTimeToReach(store, scope),
    channelMix(store, scope),
    topTouchpoints(store, scope),
    painPoints(store, scope),
  ]);
  return core.map((c) => {
    const mix = channels.get(c.stage) ?? [];
    return {
      stage: c.stage,
      visitors: c.visitors,
      sessions: c.sessions,
      reach: c.reach,
      conversion: c.conversion,
      dropOff: c.dropOff,
      medianTimeToReachMs: median.get(c.stage) ?? null,
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
