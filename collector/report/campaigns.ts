// Campaigns and segments (issue 14): the period's visits by where they came from — source /
// medium / campaign, or one of source, medium, content, term, channel, landing page — or by who
// made them — device, browser, OS, country — with the figures a marketer compares them by:
// visitors, visits, bounce rate, people who reached decision, purchases, revenue, visits with a
// JavaScript error.
// One read of `sessions` (visits that started in the period) joined to report_sessions for the
// stages each visit reached. docs/report.md "Campaigns" defines every column.
import { bouncedSql } from '../store/report-sql';
import type { Store } from '../store/types';
import { CAMPAIGN_FILTERS, num, ratio, Sql } from './sql';

export const CAMPAIGN_KEYS = ['campaign', 'source', 'medium', 'content', 'term', 'channel', 'landing', 'device', 'browser', 'os', 'country'] as const;
export type CampaignKey = (typeof CAMPAIGN_KEYS)[number];
/** Rows listed (most visits first); the rest are summed into one "other" row. */
const TOP = 50;

export interface CampaignQuery {
  from: number;
  to: number;
  /** What a row is: `campaign` = source / medium / campaign (default), or one of the others. */
  by: CampaignKey;
  persona?: string;
  channel?: string;
  device?: string;
  country?: string;
  source?: string;
  medium?: string;
  campaign?: string;
  content?: string;
  term?: string;
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

const NOT_SET = '(not set)';

/** The campaigns table of `site`. `decisionStage`: the stage "reached decision" counts. */
export async function campaignReport(store: Store, site: string, query: CampaignQuery, decisionStage: string): Promise<CampaignReport> {
  const q = new Sql();
  const s = q.p(site);
  const key =
    query.by === 'campaign'
      ? `COALESCE(x.source, '${NOT_SET}') || ' / ' || COALESCE(x.medium, '${NOT_SET}') || ' / ' || COALESCE(x.campaign, '${NOT_SET}')`
      : `COALESCE(x.${query.by}, '${NOT_SET}')`;
  const filters = [
    query.channel !== undefined ? `x.channel = ${q.p(query.channel)}` : '',
    query.device !== undefined ? `x.device = ${q.p(query.device)}` : '',
    query.country !== undefined ? `x.country = ${q.p(query.country)}` : '',
    ...CAMPAIGN_FILTERS.map((k) => (query[k] !== undefined ? `x.${k} = ${q.p(query[k])}` : '')),
    query.persona !== undefined ? `x.visitor IN (SELECT visitor FROM visitors WHERE site = ${s} AND persona = ${q.p(query.persona)})` : '',
  ].filter(Boolean);
  const rows = await q.run(
    store,
    `SELECT ${key} AS name, COUNT(DISTINCT x.visitor) AS visitors, COUNT(*) AS visits,
       SUM(${bouncedSql('x.pageviews', 'x.engaged_ms', 'x.interactions')}) AS bounces,
       COUNT(DISTINCT CASE WHEN json_type(r.reached, ${q.p(`$."${decisionStage.replace(/"/g, '')}"`)}) IS NOT NULL THEN x.visitor END) AS decided,
       SUM(x.purchases) AS purchases, SUM(x.revenue) AS revenue,
       SUM(EXISTS (SELECT 1 FROM events e INDEXED BY events_site_session WHERE e.site = x.site AND e.session = x.session AND e.type = 'pain' AND e.name = 'js_error')) AS errors
     FROM sessions x INDEXED BY sessions_site_started
     LEFT JOIN report_sessions r INDEXED BY report_sessions_session ON r.site = x.site AND r.session = x.session
     WHERE x.site = ${s} AND x.started >= ${q.p(query.from)} AND x.started < ${q.p(query.to)} AND x.bot = 0
       ${filters.map((f) => `AND ${f}`).join(' ')}
     GROUP BY 1 ORDER BY visits DESC, name`,
  );
  const shaped = rows.map((r): CampaignRow => {
    const visits = num(r.visits);
    const bounces = num(r.bounces);
    const purchases = num(r.purchases);
    return {
      name: String(r.name),
      visitors: num(r.visitors),
      visits,
      bounces,
      bounceRate: ratio(bounces, visits),
      reachedDecision: num(r.decided),
      purchases,
      revenue: num(r.revenue),
      conversionRate: ratio(purchases, visits),
      errorVisits: num(r.errors),
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
