// The dashboard's filters, kept in the page URL's query string (so a view can be bookmarked
// and shared — the token is never part of it) and turned into report query parameters.
import { SCOPE_FILTERS } from '../filters';
import type { FunnelUnit } from '../report/types';
import type { Params } from './api';

export type RangePreset = '7' | '30' | '90' | 'custom';
export type PathMode = 'landing' | 'from' | 'to';

export interface Filters {
  site: string;
  range: RangePreset;
  /** Custom range, local dates YYYY-MM-DD, both inclusive. */
  from: string;
  to: string;
  persona: string;
  channel: string;
  device: string;
  country: string;
  /** Campaign filters: the visit's UTM values. */
  source: string;
  medium: string;
  campaign: string;
  content: string;
  term: string;
  /** Sankey: sequences from the landing page, or starting / ending at `touchpoint`. */
  pathMode: PathMode;
  touchpoint: string;
  steps: number;
  /** Paths per visit, or per person across visits (visit boundaries marked). */
  pathsBy: 'visit' | 'person';
  /** Show the change against the previous period of equal length. */
  compare: boolean;
  /** The checkout funnel counts visits or people. */
  funnelBy: FunnelUnit;
  /** Landing pages with fewer visits are left out of the bounce ranking. */
  minSessions: number;
  /** What the attribution card credits: purchases, or one of the site's goals. */
  goal: string;
}

/** The bounce ranking's default minimum: 1, so a small shop sees its handful of landing pages (docs/report.md). */
export const DEFAULT_MIN_SESSIONS = 1;

const KEYS = [
  'site',
  'range',
  'from',
  'to',
  ...SCOPE_FILTERS,
  'pathMode',
  'touchpoint',
  'steps',
  'pathsBy',
  'compare',
  'funnelBy',
  'minSessions',
  'goal',
] as const;

/** Local date of an epoch ms as YYYY-MM-DD. */
export function isoDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Local midnight of a YYYY-MM-DD date, or NaN. */
export function localMidnight(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() : NaN;
}

/** The filters in the current URL, with defaults for what is missing or invalid. */
export function readFilters(search = location.search): Filters {
  const q = new URLSearchParams(search);
  const get = (k: string) => q.get(k) ?? '';
  const range = get('range') as RangePreset;
  const pathMode = get('pathMode') as PathMode;
  const steps = Number(get('steps'));
  const minSessions = Number(get('minSessions'));
  return {
    site: get('site'),
    range: ['7', '30', '90', 'custom'].includes(range) ? range : '30',
    from: get('from'),
    to: get('to'),
    persona: get('persona'),
    channel: get('channel'),
    device: get('device'),
    country: get('country'),
    source: get('source'),
    medium: get('medium'),
    campaign: get('campaign'),
    content: get('content'),
    term: get('term'),
    pathMode: ['landing', 'from', 'to'].includes(pathMode) ? pathMode : 'landing',
    touchpoint: get('touchpoint'),
    steps: Number.isInteger(steps) && steps >= 2 && steps <= 10 ? steps : 5,
    pathsBy: get('pathsBy') === 'person' ? 'person' : 'visit',
    compare: get('compare') === '1',
    funnelBy: get('funnelBy') === 'people' ? 'people' : 'visits',
    minSessions: Number.isInteger(minSessions) && minSessions >= 1 && minSessions <= 1_000_000 ? minSessions : DEFAULT_MIN_SESSIONS,
    goal: get('goal') || 'purchase',
  };
}

/** Writes the filters to the URL query (replacing the history entry; never the token). */
export function writeFilters(f: Filters): void {
  const q = new URLSearchParams();
  for (const k of KEYS) {
    const v = k === 'compare' ? (f.compare ? '1' : '') : String(f[k]);
    const isDefault =
      (k === 'range' && v === '30') ||
      (k === 'pathMode' && v === 'landing') ||
      (k === 'pathsBy' && v === 'visit') ||
      (k === 'steps' && v === '5') ||
      (k === 'funnelBy' && v === 'visits') ||
      (k === 'goal' && v === 'purchase') ||
      (k === 'minSessions' && v === String(DEFAULT_MIN_SESSIONS));
    if (v && !isDefault && !((k === 'from' || k === 'to') && f.range !== 'custom')) q.set(k, v);
  }
  const s = q.toString();
  history.replaceState(null, '', `${location.pathname}${s ? `?${s}` : ''}`);
}

/** Local midnight `days` calendar days after `ms`'s day (calendar days, so DST changes do not shift it). */
function addDays(ms: number, days: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days).getTime();
}

/**
 * The period [from, to) of the filters in epoch ms: presets are the last N days including
 * today; a custom range runs from its first day's midnight to the end of its last day.
 */
export function period(f: Filters, now = Date.now()): { from: number; to: number } {
  if (f.range === 'custom') {
    const from = localMidnight(f.from);
    const to = localMidnight(f.to);
    if (!Number.isNaN(from) && !Number.isNaN(to) && from <= to) return { from, to: addDays(to, 1) };
  }
  const days = f.range === 'custom' ? 30 : Number(f.range);
  const end = addDays(now, 1);
  return { from: addDays(end, -days), to: end };
}

/** Query parameters of the journey report (and its CSV tables) for these filters. */
export function reportParams(f: Filters, now?: number): Params {
  const { from, to } = period(f, now);
  return {
    from,
    to,
    persona: f.persona,
    channel: f.channel,
    device: f.device,
    country: f.country,
    source: f.source,
    medium: f.medium,
    campaign: f.campaign,
    content: f.content,
    term: f.term,
    pathFrom: f.pathMode === 'from' ? f.touchpoint : undefined,
    pathTo: f.pathMode === 'to' ? f.touchpoint : undefined,
    pathSteps: f.steps,
    funnelBy: f.funnelBy,
    minSessions: f.minSessions,
  };
}
