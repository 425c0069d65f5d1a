// Campaigns and segments (issue 14): the period's visits by where they came from — source /
// medium / campaign, or one of source, medium, content, term, channel, landing page — or by who
// made them — device, browser, OS, country — with the figures a marketer compares them by:
// visitors, visits, bounce rate, people who reached decision, purchases, revenue, visits with a
// JavaScript error.
// One read of `sessions` (visits that started in the period) joined to report_sessions for the
// stages each visit reached. docs/report.md "Campaigns" defines every column.
import type { CampaignKey } from '../store/reads';
import type { Store } from '../store/types';
import { ratio } from './math';
import type { ScopeFilters } from '../filters';

export const CAMPAIGN_KEYS = [
  'campaign',
  'source',
  'medium',
  'content',
  'term',
  'channel',
  'landing',
  'device',
  'browser',
  'os',
  'country',
] as const satisfies readonly CampaignKey[];
export type { CampaignKey } from '../store/reads';
/** Rows listed (most visits first); the rest are summed into one "other" row. */
const TOP = 50;

export interface CampaignQuery extends ScopeFilters {
  from: number;
  to: number;
  /** What a row is: `campaign` = source / medium / campaign (default), or one of the others. */
  by: CampaignKey;
}

export interface CampaignRow {
  /** `source / medium / campaign`, or the value of `by`; `(not set)` where missing. */
  name: string;
  visitors: number;
  visits: number;
  bounces: number;
  bounceRate: number | null;
  /** People with a visit of this row that reached the decision stage (or the site's third stage). */
  reachedDecision: number;
  purchases: number;
  revenue: number;
  /** purchases ÷ visits. */
  conversionRate: number | null;
  /** Visits with at least one JavaScript error (`js_error` pain point): where the site breaks. */
  errorVisits: number;
}

export interface CampaignReport {
  site: string;
  query: CampaignQuery;
  rows: CampaignRow[];
}

/** The campaigns table of `site`. `decisionStage`: the stage "reached decision" counts. */
export async function campaignReport(store: Store, site: string, query: CampaignQuery, decisionStage: string): Promise<CampaignReport> {
  const rows = await store.reads.campaigns(site, query, decisionStage);
  const shaped = rows.map((r): CampaignRow => {
    const { visits, bounces, purchases } = r;
    return {
      name: r.name,
      visitors: r.visitors,
      visits,
      bounces,
      bounceRate: ratio(bounces, visits),
      reachedDecision: r.decided,
      purchases,
      revenue: r.revenue,
      conversionRate: ratio(purchases, visits),
      errorVisits: r.errors,
    };
  });
  if (shaped.length > TOP) {
    // People can be in several rows, so "other" counts visits, bounces, purchases and revenue only.
    const rest = shaped.slice(TOP);
    const sum = (k: 'visits' | 'bounces' | 'purchases' | 'revenue' | 'errorVisits') => rest.reduce((n, r) => n + r[k], 0);
    const visits = sum('visits');
    shaped.splice(TOP, Infinity, {
      name: `(${rest.length} others)`,
      visitors: 0,
      visits,
      bounces: sum('bounces'),
      bounceRate: ratio(sum('bounces'), visits),
      reachedDecision: 0,
      purchases: sum('purchases'),
      revenue: sum('revenue'),
      conversionRate: ratio(sum('purchases'), visits),
      errorVisits: sum('errorVisits'),
    });
  }
  return { site, query, rows: shaped };
}
