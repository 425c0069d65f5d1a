// Campaigns and segments' rows: one read of `sessions` (visits that started in the period)
// joined to report_sessions for the stages each visit reached (collector/report/campaigns.ts).
import { CAMPAIGN_FILTERS } from '../../../filters';
import type { CampaignDataRow, CampaignFilter } from '../../reads';
import { bouncedSql } from '../rollups';
import { money, num, Sql, type Run } from './query';

const NOT_SET = '(not set)';

export async function campaigns(q: Sql, run: Run, site: string, query: CampaignFilter, decisionStage: string): Promise<CampaignDataRow[]> {
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
    run,
    `SELECT ${key} AS name, COUNT(DISTINCT x.visitor) AS visitors, COUNT(*) AS visits,
       SUM(CASE WHEN ${bouncedSql('x.pageviews', 'x.engaged_ms', 'x.interactions')} THEN 1 ELSE 0 END) AS bounces,
       COUNT(DISTINCT CASE WHEN ${q.d.jsonText('r.reached', q.p(decisionStage.replace(/"/g, '')))} IS NOT NULL THEN x.visitor END) AS decided,
       SUM(x.purchases) AS purchases, SUM(x.revenue) AS revenue,
       SUM(CASE WHEN EXISTS (SELECT 1 FROM events e${q.d.indexedBy('events_site_session')} WHERE e.site = x.site AND e.session = x.session AND e.type = 'pain' AND e.name = 'js_error') THEN 1 ELSE 0 END) AS errors
     FROM sessions x${q.d.indexedBy('sessions_site_started')}
     LEFT JOIN report_sessions r${q.d.indexedBy('report_sessions_session')} ON r.site = x.site AND r.session = x.session
     WHERE x.site = ${s} AND x.started >= ${q.p(query.from)} AND x.started < ${q.p(query.to)} AND x.bot = 0
       ${filters.map((f) => `AND ${f}`).join(' ')}
     GROUP BY 1 ORDER BY visits DESC, name`,
  );
  return rows.map((r) => ({
    name: String(r.name),
    visitors: num(r.visitors),
    visits: num(r.visits),
    bounces: num(r.bounces),
    decided: num(r.decided),
    purchases: num(r.purchases),
    revenue: money(r.revenue),
    errors: num(r.errors),
  }));
}
