// Foreign props made fit for cjm's flat props (sdk/schema.ts PropsSchema) without refusing any:
// other clients send nested objects, arrays and JSON strings, and an event must never be lost
// over a property. Types are kept (numbers stay numbers) so reports can sum them.
import { LIMITS, type Props } from '../../sdk/schema';

type Scalar = string | number | boolean | null;
type Item = Record<string, Scalar>;

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/** An object that is not an array (nor null). */
export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A JSON-string object (legacy Plausible `p`, old `m`/`meta`) parsed, anything else as is. */
export function parseMaybeJson(x: unknown): unknown {
  if (typeof x !== 'string') return x;
  try {
    return JSON.parse(x) as unknown;
  } catch {
    return undefined;
  }
}

function scalar(x: unknown): Scalar | undefined {
  if (x === null || typeof x === 'boolean') return x;
  if (typeof x === 'number') return Number.isFinite(x) ? x : undefined;
  if (typeof x === 'string') return x.slice(0, LIMITS.valueLength);
  if (typeof x === 'bigint') return Number(x);
  return undefined;
}

/** Flat record of scalars (an e-commerce item): nested values flattened, the rest dropped. */
function item(x: Record<string, unknown>): Item {
  const out: Item = {};
  for (const [k, v] of flatten(x, '')) {
    if (Object.keys(out).length >= LIMITS.props) break;
    out[k] = v;
  }
  return out;
}

/** Dotted-key scalars of an object, arrays of scalars joined with ", ". */
function* flatten(x: Record<string, unknown>, prefix: string, depth = 0): Generator<[string, Scalar]> {
  for (const [key, value] of Object.entries(x)) {
    if (RESERVED.has(key) || key === '') continue;
    const k = `${prefix}${key}`;
    if (k.length > LIMITS.keyLength) continue;
    if (isObject(value)) {
      if (depth < 4) yield* flatten(value, `${k}.`, depth + 1);
    } else if (Array.isArray(value)) {
      const parts = value.map(scalar).filter((v) => v !== undefined && v !== null);
      if (parts.length === value.length) yield [k, parts.join(', ').slice(0, LIMITS.valueLength)];
    } else {
      const s = scalar(value);
      if (s !== undefined) yield [k, s];
    }
  }
}

/**
 * Sanitized props: nested objects flattened to dotted keys (`address.city`), arrays of scalars
 * joined, strings cut to LIMITS.valueLength, reserved and over-long keys dropped, at most
 * LIMITS.props keys (the first ones). `items` keys (e-commerce) stay arrays of flat records.
 * Returns undefined when nothing is left.
 * @example sanitizeProps({ plan: 'pro', address: { city: 'Lyon' }, tags: ['a', 'b'] }) // { plan: 'pro', 'address.city': 'Lyon', tags: 'a, b' }
 */
export function sanitizeProps(input: unknown, keep: Props = {}): Props | undefined {
  const out: Props = { ...keep };
  const room = () => Object.keys(out).length < LIMITS.props;
  if (isObject(input)) {
    for (const [key, value] of Object.entries(input)) {
      if (!room()) break;
      if (key === 'items' && Array.isArray(value) && value.every(isObject)) {
        if (!(key in out)) out.items = value.slice(0, LIMITS.items).map(item);
        continue;
      }
      for (const [k, v] of flatten({ [key]: value }, '')) {
        if (!room()) break;
        if (!(k in out)) out[k] = v;
      }
    }
  }
  return Object.keys(out).length ? out : undefined;
}

/** `x` as a finite number (numeric strings included), else undefined. */
export function toNumber(x: unknown): number | undefined {
  const n = typeof x === 'string' && x.trim() !== '' ? Number(x) : x;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}
