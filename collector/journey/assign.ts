// Completes a batch's rows with what only the collector can know: the checkout type of GA4
// names, the visitor of a server-side event sent for a user id, the session's channel and
// landing page, the stage (by name and page signals, retention for returning customers —
// docs/journey.md), the default touchpoint, and the persona named by identify. Pure: the store
// supplies the context.
import type { FirstPurchase, JourneyContext, SessionAcquisition, StoredEvent } from '../store/types';
import { classify } from './channel';
import { DEFAULT_STAGES, inferStage, isCheckoutName } from './stages';

/**
 * The order id of a purchase, which makes it unique per site whatever its event id; for a
 * refund, `refund:<order id>:<value>`, so a resent refund counts once but two partial refunds of
 * different amounts both count (docs/journey.md).
 */
const transactionOf = (r: StoredEvent): string | null => {
  if (r.type !== 'checkout' || (r.name !== 'purchase' && r.name !== 'refund') || !r.props) return null;
  const p = JSON.parse(r.props) as Record<string, unknown>;
  const t = p.transaction_id;
  const id = (typeof t === 'string' && t !== '') || (typeof t === 'number' && Number.isFinite(t)) ? String(t) : null;
  if (id === null || r.name === 'purchase') return id;
  return `refund:${id}:${typeof p.value === 'number' && Number.isFinite(p.value) ? p.value : ''}`;
};

/**
 * A hash-routed view's touchpoint: its path and route (`/app#/orders`), when the URL's hash is
 * a route (`#/…`, `#!/…`, as hash routers and data-hash pages have) rather than an anchor.
 */
const hashRoute = (r: StoredEvent): string | null => {
  const i = r.type === 'pageview' && r.url ? r.url.indexOf('#') : -1;
  return i >= 0 && /^#!?\//.test(r.url!.slice(i)) ? `${r.path ?? r.name}${r.url!.slice(i)}`.slice(0, 300) : null;
};

const propString = (r: StoredEvent, key: string): string | null => {
  if (!r.props) return null;
  const v = (JSON.parse(r.props) as Record<string, unknown>)[key];
  return typeof v === 'string' && v ? v.slice(0, 64) : null;
};

/**
 * A returning customer at an event: their first purchase was earlier and in another visit (not
 * in this one, whose post-purchase pages and pings stay where the purchase was). Ingest and
 * restaging (store/sql/restage.ts) both decide it here.
 */
export const isReturningCustomer = (first: FirstPurchase | undefined, e: { time: number; session: string | null }): boolean =>
  !!first && first.time < e.time && first.session !== e.session;

/**
 * Returns the rows completed, in their original order (events are reasoned about in time
 * order, so an earlier event's stage counts as progress for a later one of the same batch).
 */
export function assignJourney(
  rows: readonly StoredEvent[],
  ctx: JourneyContext,
  stages: readonly string[] = DEFAULT_STAGES,
): StoredEvent[] {
  const firstPurchases = new Map<string, FirstPurchase>(ctx.firstPurchases);
  const sessions = new Map<string, SessionAcquisition>(ctx.sessions);
  const out = rows.map((r) => ({ ...r }));

  for (const r of [...out].sort((a, b) => a.time - b.time)) {
    if (r.type === 'event' && isCheckoutName(r.name)) r.type = 'checkout';
    r.txn = transactionOf(r);
    // A server-side event for a known user joins that user's journey.
    if (!r.visitor && r.user_id) r.visitor = ctx.userVisitors.get(r.user_id) ?? `user:${r.user_id}`.slice(0, 64);
    if (r.type === 'identify') r.persona ??= propString(r, 'persona');
    r.touchpoint ??= r.type === 'pageview' || !r.channel ? (hashRoute(r) ?? r.path ?? r.name) : r.name;

    if (r.session && !r.channel) {
      let acq = sessions.get(r.session);
      if (!acq) {
        // The session's first event we see decides its channel: the landing URL and referrer.
        const a = classify(r.url ?? undefined, r.referrer ?? undefined);
        acq = { ...a, campaign: a.campaign ?? null, content: a.content ?? null, term: a.term ?? null, landing: r.path };
        sessions.set(r.session, acq);
      }
      Object.assign(r, acq);
    }

    const first = r.visitor ? firstPurchases.get(r.visitor) : undefined;
    r.stage_inferred = r.stage ? 0 : 1;
    r.stage ??= inferStage(r, isReturningCustomer(first, r), stages);
    if (r.visitor && !first && r.type === 'checkout' && r.name === 'purchase' && !r.bot)
      firstPurchases.set(r.visitor, { time: r.time, session: r.session });
  }
  return out;
}
