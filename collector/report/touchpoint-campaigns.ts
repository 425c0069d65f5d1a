// The top campaign of each listed touchpoint (issue 14, campaign context on the map): among the
// visits with an event at a touchpoint in a stage, the campaign (utm_campaign of the visit,
// sessions.campaign) with the most people, with its visits' share of the touchpoint's visits.
// Only the visits that have a campaign are read (store.reads.touchpointCampaigns: a lookup per
// campaign visit, not a scan of the touchpoint rollup); the denominator is the ranking's own
// exact `sessions`.
// docs/report.md "Journey map" defines it.
import type { Scope } from '../store/reads';
import type { Store } from '../store/types';
import type { TouchpointCount } from './types';

/** One touchpoint's top campaign (TouchpointCount.topCampaign). */
export type TopCampaign = NonNullable<TouchpointCount['topCampaign']>;

/** Key of a (stage, touchpoint) pair; U+001F cannot occur in a stored stage name. */
const key = (stage: string, touchpoint: string) => `${stage}\u001f${touchpoint}`;

/**
 * The top campaign of each given (stage → touchpoints) pair, keyed `stage\u001ftouchpoint`;
 * pairs none of whose visits had a campaign are absent.
 */
export async function topCampaigns(store: Store, scope: Scope, listed: Map<string, TouchpointCount[]>): Promise<Map<string, TopCampaign>> {
  const sessionsAt = new Map<string, number>();
  for (const [stage, tps] of listed) for (const t of tps) sessionsAt.set(key(stage, t.touchpoint), t.sessions);
  const out = new Map<string, TopCampaign>();
  if (!sessionsAt.size) return out;
  const rows = await store.reads.touchpointCampaigns(scope, [...sessionsAt.keys()]);
  for (const r of rows) {
    const k = key(r.stage, r.touchpoint);
    const name = r.campaign;
    const [visitors, visits] = [r.people, r.visits];
    const best = out.get(k);
    // Most people first, then most visits, then the name, so ties always give the same answer.
    if (
      !best ||
      visitors > best.visitors ||
      (visitors === best.visitors && (visits > best.visits || (visits === best.visits && name < best.name)))
    )
      out.set(k, { name, visitors, visits, share: Math.min(1, visits / Math.max(1, sessionsAt.get(k) ?? visits)) });
  }
  return out;
}

/** The listed touchpoints with their top campaign set (null where none). */
export function withTopCampaigns(listed: Map<string, TouchpointCount[]>, top: Map<string, TopCampaign>): Map<string, TouchpointCount[]> {
  for (const [stage, tps] of listed) for (const t of tps) t.topCampaign = top.get(key(stage, t.touchpoint)) ?? null;
  return listed;
}
