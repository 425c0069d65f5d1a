// The read side of the storage port for the SQL engines: sqlReads(dialect, run) answers every
// Reads method (collector/store/reads.ts) with SQL written once against the Dialect, run by the
// engine's `run` (numbered parameters ?1 ?2 …, which the engine's driver maps). One module per
// section; each call builds its statement with a fresh parameter list.
import type { Reads } from '../../reads';
import type { WriteDialect } from '../dialect';
import { conversions, visits } from './attribution';
import { botEvents } from './bots';
import { campaigns } from './campaigns';
import { core } from './core';
import { customEvents, eventProperties } from './custom-events';
import { days } from './days';
import { dimensions } from './dimensions';
import { feedback } from './feedback';
import { funnel, revenueByCurrency } from './funnel';
import { eventsSince, latestSession, sites, token } from './lookups';
import { paths } from './paths';
import { firstVisits, linkedVisitors, people, person } from './people';
import { Sql, type Run } from './query';
import { pains, touchpoints } from './stages';
import { touchpointCampaigns } from './touchpoint-campaigns';
import { goalEvents, goals } from './goals';
import { bucketPurchases, bucketVisits } from './over-time';
import { engagement } from './engagement';
import { personPaths } from './person-paths';

export type { Run } from './query';

/**
 * The typed reads over an SQL engine.
 * `dialect` is the engine's write dialect: the partial hours of a period are grouped from events by
 * that engine's rollup SQL (../rollups.ts rollupSql), the very SELECT that builds its rollup rows.
 * @example const reads = sqlReads(SQLITE_WRITE, (sql, params) => readers.all(sql, params));
 */
export function sqlReads(dialect: WriteDialect, run: Run): Reads {
  const q = () => new Sql(dialect);
  return {
    core: (scope, stages, detail) => core(q(), run, scope, stages, detail),
    touchpoints: (scope, top) => touchpoints(q(), run, scope, top),
    pains: (scope) => pains(q(), run, scope),
    funnel: (scope, by, left) => funnel(q(), run, scope, by, left),
    revenueByCurrency: (scope) => revenueByCurrency(q(), run, scope),
    paths: (scope) => paths(q(), run, scope),
    dimensions: (site, from, to) => dimensions(q(), run, site, from, to),
    days: (scope) => days(q(), run, scope),
    customEvents: (scope, limit) => customEvents(q(), run, scope, limit),
    eventProperties: (scope, name) => eventProperties(q(), run, scope, name),
    botEvents: (site, from, to) => botEvents(q(), run, site, from, to),
    feedback: (scope) => feedback(q(), run, scope),
    conversions: (site, query) => conversions(q(), run, site, query),
    visits: (site, visitors, from, to) => visits(q(), run, site, visitors, from, to),
    campaigns: (site, filter, decisionStage) => campaigns(q(), run, site, filter, decisionStage),
    people: (site, stages, filter) => people(q(), run, site, stages, filter),
    firstVisits: (site, visitors) => firstVisits(q(), run, site, visitors),
    linkedVisitors: (site, visitor) => linkedVisitors(q(), run, site, visitor),
    person: (site, visitors, limit) => person(q, run, site, visitors, limit),
    touchpointCampaigns: (scope, pairs) => touchpointCampaigns(q(), run, scope, pairs),
    goalEvents: (scope, list) => goalEvents(q(), run, scope, list),
    goals: (site) => goals(q(), run, site),
    bucketVisits: (scope, unit) => bucketVisits(q(), run, scope, unit),
    bucketPurchases: (scope, unit) => bucketPurchases(q(), run, scope, unit),
    engagement: (scope, deep, top) => engagement(q, run, scope, deep, top),
    personPaths: (scope) => personPaths(q(), run, scope),
    sites: () => sites(q(), run),
    eventsSince: (site, since) => eventsSince(q(), run, site, since),
    token: (hash) => token(q(), run, hash),
    latestSession: (site, visitor) => latestSession(q(), run, site, visitor),
  };
}
