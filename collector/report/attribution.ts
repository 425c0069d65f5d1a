// Attribution across visits (issue 14): for every conversion in a period — a purchase, or a
// person's first goal event — the visits (sessions) that led to it within a look-back window,
// and the credit each channel and campaign gets under four models. One read of the
// conversions, one of the converters' sessions; everything else is pure shaping here.
// docs/report.md "Attribution" defines every figure.
import type { ConversionQuery } from '../store/reads';
import type { Store } from '../store/types';
import { median, num } from './math';

const DAY = 86_400_000;
/** Default and longest look-back window, in days. */
export const DEFAULT_LOOKBACK_DAYS = 30;
export const MAX_LOOKBACK_DAYS = 365;
/** Conversions listed with their paths (the latest). */
const RECENT = 25;
/** Shown for a visit without a channel / campaign. */
export const NOT_SET = '(not set)';

export interface AttributionQuery extends ConversionQuery {
  lookbackDays: number;
  /** `purchase` (default), a custom event's name, or a page path (`/…`). */
  goal: string;
}

/** One visit before (or of) a conversion: how it arrived. */
export interface Touch {
  session: string | null;
  started: number;
  channel: string;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  landing: string | null;
}

/** A conversion with the visits of its look-back window, oldest first. */
export interface Conversion {
  id: string;
  visitor: string;
  time: number;
  value: number;
  currency: string | null;
  touches: Touch[];
}

/** Conversions and value credited to one channel or campaign under one model. */
export interface Credit {
  conversions: number;
  revenue: number;
}

export type Model = 'firstTouch' | 'lastTouch' | 'linear' | 'positionBased';
export const MODELS: readonly Model[] = ['firstTouch', 'lastTouch', 'linear', 'positionBased'];

export interface AttributionRow extends Record<Model, Credit> {
  /** The channel, or `source / medium / campaign`. */
  name: string;
  /** Conversions with at least one visit of this channel or campaign in their window. */
  touched: number;
}

export interface Distribution {
  buckets: { label: string; count: number }[];
  mean: number | null;
  median: number | null;
}

export interface AttributionReport {
  site: string;
  query: AttributionQuery;
  conversions: number;
  revenue: number;
  /** The currency of every conversion's value, or null when none says one or they differ. */
  currency: string | null;
  /** Currencies seen, when more than one (their revenue is then not one sum to compare). */
  currencies: string[];
  byChannel: AttributionRow[];
  byCampaign: AttributionRow[];
  /** Visits in the window up to and including the converting one. */
  visitsToConvert: Distribution;
  /** Days from the window's first visit to the conversion. */
  daysToConvert: Distribution;
  /** The latest conversions with their paths. */
  recent: { time: number; visitor: string; value: number; currency: string | null; touches: Touch[] }[];
}

/**
 * Each visit's share of one conversion under `model`, in the order of `touches` (n ≥ 1):
 * first touch 1 to the first; last touch 1 to the last; linear 1/n each; position-based 40 % to
 * the first and the last, 20 % shared by the visits between (50/50 for two, 1 for one).
 */
export function shares(model: Model, n: number): number[] {
  const out = new Array<number>(n).fill(0);
  if (n === 0) return out;
  if (model === 'firstTouch') out[0] = 1;
  else if (model === 'lastTouch') out[n - 1] = 1;
  else if (model === 'linear') out.fill(1 / n);
  else if (n === 1) out[0] = 1;
  else if (n === 2) out[0] = out[1] = 0.5;
  else {
    out.fill(0.2 / (n - 2));
    out[0] = out[n - 1] = 0.4;
  }
  return out;
}

const campaignKey = (t: Touch) => `${t.source ?? NOT_SET} / ${t.medium ?? NOT_SET} / ${t.campaign ?? NOT_SET}`;

/** The credit table of `conversions` by `key` of their visits, most conversions (linear) first. */
export function creditTable(conversions: readonly Conversion[], key: (t: Touch) => string): AttributionRow[] {
  const rows = new Map<string, AttributionRow>();
  const row = (name: string) => {
    let r = rows.get(name);
    if (!r) {
      r = {
        name,
        touched: 0,
        firstTouch: { conversions: 0, revenue: 0 },
        lastTouch: { conversions: 0, revenue: 0 },
        linear: { conversions: 0, revenue: 0 },
        positionBased: { conversions: 0, revenue: 0 },
      };
      rows.set(name, r);
    }
    return r;
  };
  for (const c of conversions) {
    for (const name of new Set(c.touches.map(key))) row(name).touched++;
    for (const model of MODELS) {
      const s = shares(model, c.touches.length);
      c.touches.forEach((t, i) => {
        if (!s[i]) return;
        const credit = row(key(t))[model];
        credit.conversions += s[i]!;
        credit.revenue += s[i]! * c.value;
      });
    }
  }
  return [...rows.values()].sort(
    (a, b) => b.linear.conversions - a.linear.conversions || b.touched - a.touched || (a.name < b.name ? -1 : 1),
  );
}

/** Counts of `values` in buckets (label, inclusive upper bound), with mean and median. */
export function distribution(values: readonly number[], buckets: readonly [label: string, max: number][]): Distribution {
  const out = buckets.map(([label]) => ({ label, count: 0 }));
  for (const v of values) out[buckets.findIndex(([, max]) => v <= max)]!.count++;
  return { buckets: out, mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null, median: median(values) };
}

export const VISIT_BUCKETS: [string, number][] = [
  ['1', 1],
  ['2', 2],
  ['3', 3],
  ['4–6', 6],
  ['7+', Infinity],
];
/** Days as fractions: "same day" is under 24 hours from the first visit. */
export const DAY_BUCKETS: [string, number][] = [
  ['same day', 1 - 1e-9],
  ['1–7 days', 7],
  ['8–14 days', 14],
  ['15–30 days', 30],
  ['31+ days', Infinity],
];

/** Shapes conversions (with their touches) into the report. */
export function shapeAttribution(site: string, query: AttributionQuery, conversions: Conversion[]): AttributionReport {
  const currencies = [...new Set(conversions.map((c) => c.currency).filter((c): c is string => !!c))].sort();
  const latest = [...conversions].sort((a, b) => b.time - a.time).slice(0, RECENT);
  return {
    site,
    query,
    conversions: conversions.length,
    revenue: conversions.reduce((n, c) => n + c.value, 0),
    currency: currencies.length === 1 ? currencies[0]! : null,
    currencies: currencies.length > 1 ? currencies : [],
    byChannel: creditTable(conversions, (t) => t.channel),
    byCampaign: creditTable(conversions, campaignKey),
    visitsToConvert: distribution(
      conversions.map((c) => c.touches.length),
      VISIT_BUCKETS,
    ),
    daysToConvert: distribution(
      conversions.map((c) => (c.time - c.touches[0]!.started) / DAY),
      DAY_BUCKETS,
    ),
    recent: latest.map(({ time, visitor, value, currency, touches }) => ({ time, visitor, value, currency, touches })),
  };
}

const str = (v: unknown): string | null => (v == null || v === '' ? null : String(v));

/**
 * Builds the attribution report of `site`.
 * @example await attributionReport(store, 'shop', { from, to, lookbackDays: 30, goal: 'purchase' })
 */
export async function attributionReport(store: Store, site: string, query: AttributionQuery): Promise<AttributionReport> {
  const rows = await store.reads.conversions(site, query);
  const lookback = query.lookbackDays * DAY;
  const visitors = [...new Set(rows.map((r) => String(r.visitor)))];
  const sessions = new Map<string, Touch[]>();
  if (visitors.length) {
    const visits = await store.reads.visits(site, visitors, query.from - lookback, query.to);
    for (const v of visits) {
      const list = sessions.get(String(v.visitor)) ?? [];
      list.push({
        session: String(v.session),
        started: num(v.started),
        channel: str(v.channel) ?? NOT_SET,
        source: str(v.source),
        medium: str(v.medium),
        campaign: str(v.campaign),
        content: str(v.content),
        landing: str(v.landing),
      });
      sessions.set(String(v.visitor), list);
    }
  }
  const conversions: Conversion[] = rows.map((r) => {
    const time = num(r.time);
    let touches = (sessions.get(String(r.visitor)) ?? []).filter((t) => t.started <= time && t.started >= time - lookback);
    // A conversion outside any visit (a server-side purchase, or its visit's row not yet there):
    // the event itself is the only touch, on the channel it names.
    if (!touches.length)
      touches = [
        {
          session: str(r.session),
          started: time,
          channel: str(r.channel) ?? NOT_SET,
          source: str(r.source),
          medium: str(r.medium),
          campaign: str(r.campaign),
          content: str(r.content),
          landing: str(r.landing),
        },
      ];
    const value = Number(r.value);
    return {
      id: String(r.id),
      visitor: String(r.visitor),
      time,
      value: Number.isFinite(value) ? value : 0,
      currency: str(r.currency),
      touches,
    };
  });
  return shapeAttribution(site, query, conversions);
}
