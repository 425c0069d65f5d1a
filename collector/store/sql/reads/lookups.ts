// The collector's own lookups (not report sections): the sites with events, today's events of a
// site (quotas), an API token, a visitor's latest session (clients without a session id).
import { SITES_SQL } from '../lifecycle';
import { num, Sql, type Run } from './query';

export async function sites(q: Sql, run: Run): Promise<string[]> {
  return (await q.run(run, SITES_SQL.sql)).map((r) => String(r.site));
}

export async function eventsSince(q: Sql, run: Run, site: string, since: number): Promise<number> {
  const [r] = await q.run(
    run,
    `SELECT COUNT(*) AS n FROM events${q.d.indexedBy('events_site_time')} WHERE site = ${q.p(site)} AND time >= ${q.p(since)}`,
  );
  return num(r?.n);
}

export async function token(q: Sql, run: Run, hash: string): Promise<{ site: string; role: string } | null> {
  const [r] = await q.run(run, `SELECT site, role FROM tokens WHERE hash = ${q.p(hash)}`);
  return r ? { site: String(r.site), role: String(r.role) } : null;
}

export async function latestSession(q: Sql, run: Run, site: string, visitor: string): Promise<{ session: string; ended: number } | null> {
  const [r] = await q.run(
    run,
    `SELECT session, ended FROM sessions WHERE site = ${q.p(site)} AND visitor = ${q.p(visitor)} ORDER BY started DESC LIMIT 1`,
  );
  return r ? { session: String(r.session), ended: num(r.ended) } : null;
}
