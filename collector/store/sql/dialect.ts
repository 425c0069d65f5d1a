// What differs between the SQL engines behind the storage port (SQLite for the Node file and D1;
// Postgres): the SQL in this folder is written once, with numbered parameters `?1 ?2 …`, and asks
// the dialect for the few constructs that are spelled differently. An engine's driver turns `?n`
// into its own placeholder (node:sqlite and D1 take `?n` as is; Postgres `$n`).
// Grow this interface when a shared statement needs another construct; never branch on the engine
// name in shared SQL.

export interface Dialect {
  readonly engine: 'sqlite' | 'postgres';
  /**
   * A planner hint after a table name: SQLite's `INDEXED BY name` where its planner picks a worse
   * index without it; nothing on engines that plan from statistics.
   */
  indexedBy(index: string): string;
  /** A table expression of the elements of a JSON array (text) as rows `alias(value)`. */
  jsonArrayValues(json: string, alias: string): string;
  /** The text value under `key` (SQL text expression) of the JSON object in `json`, or NULL. */
  jsonText(json: string, key: string): string;
  /** Joins the non-null values of `expr` in a group with `separator` (an SQL string literal). */
  stringAgg(expr: string, separator: string): string;
  /** The larger / smaller of two values (SQLite's scalar MAX/MIN, Postgres' GREATEST/LEAST). */
  greatest(a: string, b: string): string;
  least(a: string, b: string): string;
  /** A table expression of the integers 0 … n − 1 as rows `alias(value)` (n ≥ 1). */
  integers(n: number, alias: string): string;
  /** The number under `key` (SQL text expression) of the JSON object in `json`, as a float; NULL when absent. */
  jsonNumber(json: string, key: string): string;
  /** JSON array text of the values `items` (SQL expressions), e.g. a report line. */
  jsonArray(items: readonly string[]): string;
  /** JSON object text of alternating key and value expressions. */
  jsonObject(pairs: readonly string[]): string;
  /** JSON array text of `expr` over a group (`expr` may start with DISTINCT), of the rows matching `filter` if given. */
  jsonArrayAgg(expr: string, filter?: string): string;
  /** Whether text `expr` starts with `prefix` (a literal of letters only), case-sensitively. */
  startsWith(expr: string, prefix: string): string;
  /** Of text `x` holding a U+001F separator (a derived row's 'time|id' key, then a value): up to and including it, and after it. */
  upToUnitSep(x: string): string;
  afterUnitSep(x: string): string;
  /** A table expression of the members of the JSON object in `json` as rows `alias` with `key` and `value`. */
  jsonEntries(json: string, alias: string): string;
  /** Whether a jsonEntries row's value is a scalar (not an object or array); its value as text. */
  jsonEntryIsScalar(alias: string): string;
  jsonEntryText(alias: string): string;
}

export const SQLITE: Dialect = {
  engine: 'sqlite',
  indexedBy: (index) => ` INDEXED BY ${index}`,
  jsonArrayValues: (json, alias) => `json_each(${json}) AS ${alias}`,
  jsonText: (json, key) => `json_extract(${json}, '$.' || json_quote(${key}))`,
  stringAgg: (expr, separator) => `group_concat(${expr}, ${separator})`,
  greatest: (a, b) => `MAX(${a}, ${b})`,
  least: (a, b) => `MIN(${a}, ${b})`,
  integers: (n, alias) => `json_each('[${Array.from({ length: n }, (_, i) => i).join(',')}]') AS ${alias}`,
  jsonNumber: (json, key) => `CAST(json_extract(${json}, '$.' || json_quote(${key})) AS REAL)`,
  jsonArray: (items) => `json_array(${items.join(', ')})`,
  jsonObject: (pairs) => `json_object(${pairs.join(', ')})`,
  jsonArrayAgg: (expr, filter) => `json_group_array(${expr})${filter ? ` FILTER (WHERE ${filter})` : ''}`,
  startsWith: (expr, prefix) => `${expr} GLOB '${prefix}*'`,
  upToUnitSep: (x) => `substr(${x}, 1, instr(${x}, char(31)))`,
  afterUnitSep: (x) => `substr(${x}, instr(${x}, char(31)) + 1)`,
  jsonEntries: (json, alias) => `json_each(${json}) AS ${alias}`,
  jsonEntryIsScalar: (alias) => `${alias}.type NOT IN ('object', 'array')`,
  jsonEntryText: (alias) => `CAST(${alias}.value AS TEXT)`,
};
