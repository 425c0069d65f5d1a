// Time per section of the report (issue 14): each section of the journey report on its own, and
// the across-visits reports with their own endpoints (attribution, campaigns, people, goals,
// engagement, segments, paths per person), each the median of a few runs over the same period
// as bench/report.ts. Sections run alone here; in the full report they share the readers.
import { DEFAULT_STAGES } from '../collector/journey/stages';
import { attributionReport } from '../collector/report/attribution';
import { botEvents } from '../collector/report/bots';
import { campaignReport } from '../collector/report/campaigns';
import { coreFacts } from '../collector/report/core';
import { customEvents } from '../collector/report/custom-events';
import { engagementReport } from '../collector/report/engagement';
import { funnel } from '../collector/report/funnel';
import { goalsReport } from '../collector/report/goals';
import { overTime } from '../collector/report/over-time';
import { paths } from '../collector/report/paths';
import { peopleReport } from '../collector/report/people';
import { personPaths } from '../collector/report/person-paths';
import { segmentSummaries } from '../collector/report/segments';
import type { Scope } from '../collector/store/reads';
import { stageDetails } from '../collector/report/stages';
import { timeline } from '../collector/report/timeline';
import { topCampaigns } from '../collector/report/touchpoint-campaigns';
import { voiceOfCustomer } from '../collector/report/voice';
import type { Store } from '../collector/store/types';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Median ms of each section over `runs` runs (after one warm-up), in the order printed.
 * @example const ms = await timeSections(store, { site: 'shop', from, to }); // { core: 120.5, … }
 */
export async function timeSections(store: Store, scope: Scope, runs = 3): Promise<Record<string, number>> {
  const stages = DEFAULT_STAGES;
  const { site, from, to } = scope;
  const listed = (await stageDetails(store, scope)).touchpoints;
  const sections: [string, () => Promise<unknown>][] = [
    ['core', () => coreFacts(store, scope, stages, true)],
    [
      'core + stages over time',
      async () => {
        const ot = overTime(scope, stages);
        const c = coreFacts(store, scope, stages, true, ot.sink);
        await ot.figures(store, c);
      },
    ],
    ['stage details (touchpoints, top campaigns, pains)', () => stageDetails(store, scope)],
    ['  of which top campaigns', () => topCampaigns(store, scope, listed)],
    ['funnel', () => funnel(store, scope, 'visits')],
    ['paths', () => paths(store, scope, { steps: 5 })],
    ['timeline', () => timeline(store, scope)],
    ['custom events', () => customEvents(store, scope)],
    ['voice', () => voiceOfCustomer(store, scope, stages)],
    ['bots', () => botEvents(store, site, from, to)],
    ['previous period core', () => coreFacts(store, { ...scope, from: from - (to - from), to: from }, stages, false)],
    ['attribution (own endpoint)', () => attributionReport(store, site, { from, to, lookbackDays: 30, goal: 'purchase' })],
    ['campaigns (own endpoint)', () => campaignReport(store, site, { from, to, by: 'campaign' }, 'decision')],
    ['people (own endpoint)', () => peopleReport(store, site, stages, { from, to, page: 0 })],
    [
      'goals: an event and a page (own endpoint)',
      () =>
        goalsReport(store, scope, stages, [
          { goal: 'review', label: null, declared: 'api' },
          { goal: '/cart', label: null, declared: 'api' },
        ]),
    ],
    ['engagement (own endpoint)', () => engagementReport(store, scope, stages)],
    [
      'segments: email vs paid social (own endpoint)',
      () => segmentSummaries(store, scope, stages, [{ channel: 'email' }, { channel: 'paid social' }]),
    ],
    ['paths per person (own endpoint)', () => personPaths(store, scope, { steps: 5 })],
  ];
  const out: Record<string, number> = {};
  for (const [name, run] of sections) {
    await run();
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await run();
      ms.push(performance.now() - t);
    }
    out[name] = Math.round(median(ms) * 10) / 10;
  }
  return out;
}
