// Reads a ReportQuery from URL parameters, refusing anything unclear with a 400 that says why.
import { SCOPE_FILTERS } from '../filters';
import { ApiError } from '../errors';
import { parseBound } from '../export/range';
import { DEFAULT_MIN_SESSIONS } from './landing';
import { DEFAULT_PATH_STEPS, MAX_PATH_STEPS } from './paths';
import type { FunnelUnit, ReportQuery } from './types';

const DAY = 86_400_000;
/** Default period: the 30 days up to now. */
export const DEFAULT_DAYS = 30;
/** Longest period a report covers (its comparison doubles it). */
export const MAX_DAYS = 731;
/** Longest filter or path value. */
const MAX_VALUE = 300;

const FILTERS = [...SCOPE_FILTERS, 'pathFrom', 'pathTo'] as const;
const KNOWN = new Set<string>(['from', 'to', 'pathSteps', 'minSessions', 'funnelBy', ...FILTERS]);
const FUNNEL_UNITS: readonly FunnelUnit[] = ['visits', 'people'];

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,6}$/.test(value) || Number(value) < min || Number(value) > max)
    throw new ApiError(400, `${name}: ${JSON.stringify(value.slice(0, 40))} is not a whole number from ${min} to ${max}`);
  return Number(value);
}

/**
 * The report query of `params`. Without `from`/`to`: the last 30 days up to `now`.
 * `extra` names further parameters the caller accepts (e.g. `table` of the CSV).
 * @throws ApiError 400 on an unknown parameter, an unreadable time or number, from ≥ to, an over-long value.
 */
export function parseReportQuery(params: Record<string, string>, now: number, extra: readonly string[] = []): ReportQuery {
  for (const key of Object.keys(params))
    if (!KNOWN.has(key) && !extra.includes(key))
      throw new ApiError(400, `unknown parameter ${JSON.stringify(key.slice(0, 40))}; use ${[...KNOWN, ...extra].join(', ')}`);
  const to = parseBound('to', params.to) ?? now;
  const from = parseBound('from', params.from) ?? to - DEFAULT_DAYS * DAY;
  if (from >= to) throw new ApiError(400, `from must be before to (from ${from}, to ${to}, epoch ms)`);
  if (to - from > MAX_DAYS * DAY) throw new ApiError(400, `the period is longer than ${MAX_DAYS} days; choose a shorter one`);
  const query: ReportQuery = { from, to };
  for (const key of FILTERS) {
    const value = params[key];
    if (value === undefined || value === '') continue;
    if (value.length > MAX_VALUE) throw new ApiError(400, `${key}: longer than ${MAX_VALUE} characters`);
    query[key] = value;
  }
  query.pathSteps = integer('pathSteps', params.pathSteps, 1, MAX_PATH_STEPS) ?? DEFAULT_PATH_STEPS;
  query.minSessions = integer('minSessions', params.minSessions, 1, 1_000_000) ?? DEFAULT_MIN_SESSIONS;
  const by = params.funnelBy;
  if (by !== undefined && by !== '' && !FUNNEL_UNITS.includes(by as FunnelUnit))
    throw new ApiError(400, `funnelBy: ${JSON.stringify(by.slice(0, 40))} is not one of ${FUNNEL_UNITS.join(', ')}`);
  query.funnelBy = by ? (by as FunnelUnit) : 'visits';
  return query;
}
