// Bot events of a period, whatever the filters (a partial index: migration 0011).
import { num, Sql, type Run } from './query';

export async function botEvents(q: Sql, run: Run, site: string, from: number, to: number): Promise<number> {
  const [r] = await q.run(
    run,
    `SELECT COUNT(*) AS n FROM events${q.d.indexedBy('events_site_bots')} WHERE site = ${q.p(site)} AND bot = 1 AND time >= ${q.p(from)} AND time < ${q.p(to)}`,
  );
  return num(r?.n);
}
