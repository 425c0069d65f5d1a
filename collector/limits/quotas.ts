// Quotas on what /collect stores (issue 17: one IP grew the database by 112 MB in 10 s by
// rotating site ids): in open mode (no CJM_SITES) at most so many site ids; per site at most so
// many events per UTC day; and a database size past which nothing more is stored. Each refusal
// says why, and a log line (at most one a minute per kind and site) tells the operator.
// Runtime-neutral; counts live in memory (per process on Node, per isolate on Workers).
import { ApiError } from '../errors';
import type { Store } from '../store/types';
import type { Quotas } from '../settings';

const DAY_MS = 86_400_000;
const LOG_EVERY_MS = 60_000;
const SIZE_EVERY_MS = 5_000;

/** What {@link createQuotas} needs. */
export interface QuotaDeps {
  quotas: Quotas;
  /** True when CJM_SITES lists the accepted sites (then the site-id cap does not apply). */
  sitesListed: boolean;
  store: Store;
  log: (message: string, error: unknown) => void;
  /** The database's size in bytes, where the runtime can tell (Node); else no size quota. */
  databaseBytes?: () => number;
}

/**
 * The quota checks of /collect: `admit` before a batch is stored (throws an ApiError 403, 429 or
 * 507 naming the quota), `stored` after.
 * @example const q = createQuotas({ quotas, sitesListed: false, store, log }); await q.admit('shop', 20, Date.now());
 */
export function createQuotas(deps: QuotaDeps) {
  const { quotas, store } = deps;
  const logged = new Map<string, number>();
  const warn = (key: string, now: number, message: string) => {
    if ((logged.get(key) ?? -Infinity) > now - LOG_EVERY_MS) return;
    if (logged.size > 1000) logged.clear();
    logged.set(key, now);
    deps.log(message, null);
  };

  // A read that fails is a storage failure (503, retried), and is read again next time.
  const unavailable = (err: unknown): never => {
    deps.log('cjm: reading a quota failed', err);
    throw new ApiError(503, 'storage unavailable', undefined, { 'Retry-After': '30' });
  };
  let known: Promise<Set<string>> | null = null;
  const siteIds = () =>
    (known ??= store.reads.sites().then(
      (sites) => new Set(sites),
      (err: unknown) => {
        known = null;
        return unavailable(err);
      },
    ));

  let day = NaN;
  const today = new Map<string, Promise<number> | number>();
  const countToday = (site: string, now: number): Promise<number> | number => {
    const d = Math.floor(now / DAY_MS);
    if (d !== day) ((day = d), today.clear());
    let n = today.get(site);
    if (n === undefined) {
      // After a start, the events of this site timed today (an index range): close enough.
      n = store.reads.eventsSince(site, d * DAY_MS).then(
        (count) => count,
        (err: unknown) => {
          today.delete(site);
          return unavailable(err);
        },
      );
      today.set(site, n);
    }
    return n;
  };

  let size = { bytes: 0, at: -Infinity };

  return {
    async admit(site: string, events: number, now: number): Promise<void> {
      if (quotas.databaseMb !== null && deps.databaseBytes) {
        if (size.at < now - SIZE_EVERY_MS) size = { bytes: deps.databaseBytes(), at: now };
        if (size.bytes > quotas.databaseMb * 2 ** 20) {
          warn(
            'size',
            now,
            `cjm: the database (${Math.round(size.bytes / 2 ** 20)} MB) is past CJM_MAX_DB_MB=${quotas.databaseMb}: /collect stores nothing (507)`,
          );
          throw new ApiError(
            507,
            `storage quota reached: the database is past its limit of ${quotas.databaseMb} MB (CJM_MAX_DB_MB); nothing was stored`,
          );
        }
      }
      if (quotas.sites !== null && !deps.sitesListed) {
        const ids = await siteIds();
        if (!ids.has(site)) {
          if (ids.size >= quotas.sites) {
            warn(
              'sites',
              now,
              `cjm: refused new site id ${JSON.stringify(site)}: this open collector already holds ${ids.size} site ids (CJM_MAX_SITES=${quotas.sites}; set CJM_SITES)`,
            );
            throw new ApiError(
              403,
              `site: "${site}" is new, and this collector accepts no more new site ids (at most ${quotas.sites}, CJM_MAX_SITES; set CJM_SITES)`,
            );
          }
          ids.add(site);
        }
      }
      if (quotas.siteDailyEvents !== null) {
        const n = await countToday(site, now);
        if (n + events > quotas.siteDailyEvents) {
          const retryAfterS = Math.max(1, Math.ceil(((Math.floor(now / DAY_MS) + 1) * DAY_MS - now) / 1000));
          warn(
            `day\0${site}`,
            now,
            `cjm: site ${JSON.stringify(site)} reached its quota of ${quotas.siteDailyEvents} events today (CJM_SITE_DAILY_EVENTS); refusing its batches until 00:00 UTC`,
          );
          throw new ApiError(
            429,
            `quota reached: site "${site}" has stored ${n} of at most ${quotas.siteDailyEvents} events today (CJM_SITE_DAILY_EVENTS); retry after 00:00 UTC`,
            undefined,
            {
              'Retry-After': String(retryAfterS),
            },
          );
        }
      }
    },

    /** Counts `inserted` events stored for `site` at `now`. */
    async stored(site: string, inserted: number, now: number): Promise<void> {
      if (quotas.siteDailyEvents === null || !inserted) return;
      // A number is added at once (no await between read and write: concurrent batches add up).
      const current = countToday(site, now);
      if (typeof current === 'number') return void today.set(site, current + inserted);
      const n = await current.catch(() => null);
      if (n === null || Math.floor(now / DAY_MS) !== day) return; // read again at the next batch
      const latest = today.get(site);
      today.set(site, (typeof latest === 'number' ? latest : n) + inserted);
    },
  };
}
