// The journey report: every section of JourneyReport (types.ts) for one site and query, plus
// the previous period for the comparison. Reads the store only through its typed reads
// (store.reads, collector/store/reads.ts): this folder shapes rows, it holds no SQL.
import type { Store } from '../store/types';
import { comparison, previousPeriod } from './comparison';
import { funnel, singleCurrency } from './funnel';
import { bounceByLanding } from './landing';
import { paths } from './paths';
import { coreFacts, type StageTimeSink } from './core';
import { overTime } from './over-time';
import { scopeFilters } from '../filters';
import type { Scope } from '../store/reads';
import { currentStages, stageCore, stageDetails, stageReports } from './stages';
import { checkTargets } from './targets';
import { totals } from './totals';
import { timeline } from './timeline';
import { customEvents } from './custom-events';
import { botEvents } from './bots';
import type { JourneyReport, ReportQuery, Target } from './types';
import { voiceOfCustomer } from './voice';

export type { JourneyReport, ReportQuery, Target } from './types';

export interface ReportSettings {
  /** The site's stages in order. */
  stages: readonly string[];
  /** The site's targets (future-state map). */
  targets: readonly Target[];
}

/** Totals and core stage figures of one scope (what the comparison needs of both periods). */
async function core(store: Store, scope: Scope, stages: readonly string[], detail: boolean, onStageTime?: StageTimeSink) {
  const facts = await coreFacts(store, scope, stages, detail, onStageTime);
  return { facts, landing: facts.landing, totals: totals(facts), stages: stageCore(facts, stages) };
}

/** Values present in the period, whatever the filters, for the filter menus. */
async function dimensions(store: Store, site: string, from: number, to: number): Promise<JourneyReport['dimensions']> {
  const r = await store.reads.dimensions(site, from, to);
  // Channel, device and country are '' in the rollups when missing (not listed); a persona is
  // listed as stored; campaign values are those of the visits started in the period.
  const list = (v: readonly unknown[], keep = (x: unknown) => x !== '') =>
    v
      .filter((x) => x !== null && keep(x))
      .map(String)
      .sort();
  return {
    personas: list(r.personas, () => true),
    channels: list(r.channels),
    devices: list(r.devices),
    countries: list(r.countries),
    sources: list(r.sources),
    mediums: list(r.mediums),
    campaigns: list(r.campaigns),
    contents: list(r.contents),
    terms: list(r.terms),
  };
}

/**
 * Builds the journey report of `site` for `query` (already validated: see query.ts).
 * @example const report = await journeyReport(store, 'shop', { from, to }, { stages: DEFAULT_STAGES, targets: [] });
 */
export async function journeyReport(store: Store, site: string, query: ReportQuery, settings: ReportSettings): Promise<JourneyReport> {
  const scope: Scope = { site, from: query.from, to: query.to, ...scopeFilters(query) };
  const prev = previousPeriod(query.from, query.to);
  const prevScope: Scope = { ...scope, ...prev };

  const ot = overTime(scope, settings.stages);
  const nowCore = core(store, scope, settings.stages, true, ot.sink);
  const theTimeline = timeline(store, scope);
  const [now, trend, details, before, theFunnel, thePaths, dims, days, custom, bots, voice] = await Promise.all([
    nowCore,
    ot.figures(store, nowCore, theTimeline),
    stageDetails(store, scope),
    core(store, prevScope, settings.stages, false),
    funnel(store, scope, query.funnelBy),
    paths(store, scope, { from: query.pathFrom, to: query.pathTo, steps: query.pathSteps }),
    dimensions(store, site, query.from, query.to),
    theTimeline,
    customEvents(store, scope),
    botEvents(store, site, query.from, query.to),
    voiceOfCustomer(store, scope, settings.stages),
  ]);
  const stages = stageReports(now.facts, now.stages, details);
  return {
    site,
    query,
    stageNames: [...settings.stages],
    totals: now.totals,
    stages,
    currentStages: currentStages(now.facts, settings.stages),
    currency: singleCurrency(theFunnel.revenueByCurrency),
    bounceByLanding: bounceByLanding(now.landing, query.minSessions),
    funnel: theFunnel,
    paths: thePaths,
    comparison: comparison(prev, now, before),
    targets: checkTargets(settings.targets, now.stages),
    voice,
    dimensions: dims,
    timeline: days,
    overTime: trend,
    customEvents: custom,
    excluded: { botEvents: bots },
  };
}
