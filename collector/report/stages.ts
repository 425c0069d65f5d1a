// The stage columns of the journey map (StageReport in types.ts): who reached each stage (and
// it or a later one), who entered the journey there, how many completed it, how long it took, through which touchpoints and channels, the
// bounces of sessions landing there, the pain points and the emotion.
import { PAIN_KINDS } from '../metrics';
import type { Scope } from '../store/reads';
import type { Store } from '../store/types';
import { completionMeans, type CoreFacts } from './core';
import { byCount, NO_CHANNEL } from './counts';
import { ratio } from './math';
import type { CurrentStage, PainKind, StageReport, TouchpointCount } from './types';
import { topCampaigns, withTopCampaigns } from './touchpoint-campaigns';

/** Touchpoints listed per stage; worst pages listed per pain kind. */
const TOP_TOUCHPOINTS = 8;
const WORST_PAGES = 3;
export { NO_CHANNEL } from './counts';

/** The top touchpoints of each stage, with the channels of their sessions. */
async function topTouchpoints(store: Store, scope: Scope): Promise<Map<string, TouchpointCount[]>> {
  const rows = await store.reads.touchpoints(scope, TOP_TOUCHPOINTS);
  const out = new Map<string, TouchpointCount[]>();
  for (const r of rows) {
    const list = out.get(r.stage) ?? [];
    let tp = list.at(-1);
    if (!tp || tp.touchpoint !== r.touchpoint) {
      tp = { touchpoint: r.touchpoint, events: r.events, sessions: r.sessions, channels: [], topCampaign: null };
      list.push(tp);
      out.set(r.stage, list);
    }
    if (r.channel != null) tp.channels.push({ name: r.channel || NO_CHANNEL, count: r.channelSessions });
  }
  return out;
}

type Pains = StageReport['painPoints'];

/** Pain points of each stage by kind, with each kind's worst pages. */
async function painPoints(store: Store, scope: Scope): Promise<Map<string, Pains>> {
  const rows = await store.reads.pains(scope);
  const out = new Map<string, Pains>();
  for (const r of rows) {
    const p = out.get(r.stage) ?? { total: 0, byKind: [] };
    out.set(r.stage, p);
    const kind = r.kind as PainKind;
    let k = p.byKind.find((x) => x.kind === kind);
    if (!k) p.byKind.push((k = { kind, count: 0, worstPages: [] }));
    k.count += r.events;
    k.worstPages.push({ name: r.page, count: r.events });
    p.total += r.events;
  }
  for (const p of out.values()) {
    p.byKind.sort((a, b) => b.count - a.count || PAIN_KINDS.indexOf(a.kind) - PAIN_KINDS.indexOf(b.kind));
    for (const k of p.byKind) k.worstPages = k.worstPages.sort(byCount).slice(0, WORST_PAGES);
  }
  return out;
}

export { byCount } from './counts';

/** The figures a target or the period comparison can use, without the detail lists. */
export type StageCore = Pick<
  StageReport,
  | 'stage'
  | 'visitors'
  | 'sessions'
  | 'reachedOrLater'
  | 'reach'
  | 'entered'
  | 'enteredShare'
  | 'completionMeans'
  | 'completed'
  | 'completion'
  | 'conversion'
  | 'dropOff'
  | 'landingSessions'
  | 'bounces'
  | 'bounceRate'
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
  const [touchpoints, pains] = await Promise.all([
    topTouchpoints(store, scope).then(async (listed) => withTopCampaigns(listed, await topCampaigns(store, scope, listed))),
    painPoints(store, scope),
  ] as const);
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
