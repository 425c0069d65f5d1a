// Small arithmetic the report's figures share.

/** The middle value of `list`, or the mean of the two middle ones; null when empty. */
export function median(list: readonly number[]): number | null {
  if (!list.length) return null;
  const values = Float64Array.from(list).sort(); // numeric order, and much faster than Array#sort
  const m = values.length >> 1;
  return values.length % 2 ? values[m]! : (values[m - 1]! + values[m]!) / 2;
}

/** Numbers from stored values (null stays 0). */
export const num = (v: unknown): number => (v == null ? 0 : Number(v));
/** a ÷ b, or null when b is 0. */
export const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
