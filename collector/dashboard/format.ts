// Number formatting for the dashboard, and the ▲▼ change badges of the period comparison.
import type { Delta } from '../report/types';
import { h } from './dom';

const intFmt = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const oneFmt = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const moneyFmt = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const compactFmt = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

export const DASH = '—';

/** 1,234 */
export const int = (n: number | null | undefined): string => (n === null || n === undefined ? DASH : intFmt.format(n));
/** 1.5 */
export const one = (n: number | null | undefined): string => (n === null || n === undefined ? DASH : oneFmt.format(n));
/** A count with its noun as a sentence reads it: "1 visit", "12 visits", "1 person", "3 people". */
export const count = (n: number | null | undefined, singular: string, plural = `${singular}s`): string =>
  `${int(n)} ${n === 1 ? singular : plural}`;
/** 12,345.50 */
export const money = (n: number | null | undefined): string => (n === null || n === undefined ? DASH : moneyFmt.format(n));
/** 12.3K */
export const compact = (n: number | null | undefined): string => (n === null || n === undefined ? DASH : compactFmt.format(n));

/**
 * 0.4765 → "48 %", 0.0485 → "4.9 %" (whole percent from 10 % up, one decimal below). Rounded
 * first, so a tiny negative (−0.00001) reads "0 %", never "-0 %".
 */
export function pct(x: number | null | undefined): string {
  if (x === null || x === undefined) return DASH;
  const p = x * 100;
  const shown = Math.abs(p) >= 9.95 ? Math.round(p) : Math.round(p * 10) / 10;
  return `${shown === 0 ? 0 : Math.abs(shown) >= 10 ? shown : oneFmt.format(shown)} %`;
}

/** A duration in ms as the two largest units: "45 s", "4 min", "2 h 10 min", "2 d 3 h". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return DASH;
  if (ms < 1000) return ms <= 0 ? 'at once' : '< 1 s';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const hours = Math.floor(min / 60);
  if (hours < 24) return min % 60 ? `${hours} h ${min % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** How a figure is formatted and compared. */
export type Kind = 'count' | 'rate' | 'score' | 'money' | 'ratio' | 'duration';

/** Formats a value of a kind. */
export function format(kind: Kind, n: number | null | undefined): string {
  switch (kind) {
    case 'count':
      return int(n);
    case 'rate':
      return pct(n);
    case 'score':
      return n === null || n === undefined ? DASH : n.toFixed(1);
    case 'money':
      return money(n);
    case 'ratio':
      return one(n);
    case 'duration':
      return duration(n);
  }
}

/**
 * A change badge: ▲/▼ with the change (relative % for counts and money, points for rates),
 * coloured good (blue) or bad (vermillion) by whether higher is better. The arrow and the sign
 * carry the meaning, so it does not depend on colour.
 */
export function deltaBadge(d: Delta | undefined, kind: Kind, higherIsBetter: boolean): HTMLElement | null {
  if (!d || d.change === null || d.current === null || d.previous === null) return null;
  const title = `previous period: ${format(kind, d.previous)}`;
  if (Math.abs(d.change) < 1e-9) return h('span', { class: 'delta flat', title }, '= 0');
  let text: string;
  if (kind === 'rate') text = `${d.change > 0 ? '+' : '−'}${oneFmt.format(Math.abs(d.change) * 100)} pts`;
  else if ((kind === 'count' || kind === 'money') && d.previous !== 0)
    text = `${d.change > 0 ? '+' : '−'}${oneFmt.format(Math.abs(d.change / d.previous) * 100)} %`;
  else text = `${d.change > 0 ? '+' : '−'}${format(kind, Math.abs(d.change))}`;
  const good = d.change > 0 === higherIsBetter;
  return h('span', { class: `delta ${good ? 'good' : 'bad'}`, title }, `${d.change > 0 ? '▲' : '▼'} ${text}`);
}
