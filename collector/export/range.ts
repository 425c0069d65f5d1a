// Parses the `from`/`to` query parameters of exports and reports into epoch ms.
import { ApiError } from '../errors';
import type { TimeRange } from '../store/types';

const DAY = 24 * 3600 * 1000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;
const MILLIS = /^\d{1,15}$/;

const HELP = 'use an ISO date (2025-01-31), an ISO time (2025-01-31T12:00:00Z) or epoch milliseconds';

/**
 * Parses one bound. A bare date `to` means the end of that day, so `from=2025-01-01&to=2025-01-31`
 * is all of January; times without a zone are UTC.
 */
export function parseBound(name: 'from' | 'to', value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  let ms = NaN;
  if (MILLIS.test(value)) ms = Number(value);
  else if (DATE.test(value)) {
    ms = Date.parse(`${value}T00:00:00Z`);
    // Date.parse rolls 2025-02-30 over to March; a round trip catches impossible dates.
    if (!Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) !== value) ms = NaN;
    if (name === 'to') ms += DAY;
  } else if (DATE_TIME.test(value)) {
    ms = Date.parse(/Z|[+-]\d{2}:\d{2}$/.test(value) ? value : `${value}Z`);
  }
  if (Number.isNaN(ms)) throw new ApiError(400, `${name}: ${JSON.stringify(value.slice(0, 40))} is not a time; ${HELP}`);
  return ms;
}

/**
 * The time range of `?from=&to=`: `from` inclusive, `to` exclusive.
 * @throws ApiError 400 on an unreadable bound or when `from` is after `to`.
 * @example parseRange('2025-01-01', '2025-01-31') // all of January, UTC
 */
export function parseRange(from: string | undefined, to: string | undefined): TimeRange {
  const range: TimeRange = { from: parseBound('from', from), to: parseBound('to', to) };
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
    throw new ApiError(400, `from: ${from} is after to: ${to}`);
  }
  return range;
}
