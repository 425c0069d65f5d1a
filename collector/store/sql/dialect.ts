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
  /**
   * The value under `key` as the driver gives it back: a string, a number, or on Postgres also a
   * boolean, an object or an array, which reads/query.ts jsonValue() turns into SQLite's 1/0 and
   * JSON text.
   */
  jsonValue(json: string, key: string): string;
  /** Joins the non-null values of `expr` in a group with `separator` (an SQL string literal). */
  stringAgg(expr: string, separator: string): string;
  /** The larger / smaller of two values (SQLite's scalar MAX/MIN, Postgres' GREATEST/LEAST). */
  greatest(a: string, b: string): string;
  least(a: string, b: string): string;
  /** A table expression of the integers 0 … n − 1 as rows `alias(value)` (n ≥ 1). */
  integers(n: number, alias: string): string;
  /** The number under `key` (SQL text expression) of the JSON object in `json`, as a float; NULL when absent. */
  jsonNumberAt(json: string, key: string): string;
  /** JSON array text of the values `items` (SQL expressions), e.g. a report line. */
  jsonArrayOf(items: readonly string[]): string;
  /** A JSON object of alternating key and value expressions, to nest in {@link jsonArrayOf} (an object there, not a string). */
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
  /** A join whose order the planner keeps (SQLite's CROSS JOIN … ON); a plain JOIN elsewhere. */
  readonly crossJoin: string;
  /** SUM of a condition: 1 per row where it holds (SQLite sums booleans as integers). */
  sumIf(cond: string): string;
  /** The unit separator character (31), which packs a sort key and a value into one string. */
  readonly unitSeparator: string;
  /** The number under `key` of the JSON object text `json`, cast to REAL or INTEGER (truncated); NULL when missing. */
  jsonNumber(json: string, key: string, type: 'REAL' | 'INTEGER'): string;
  /** `x` bounded to [lo, hi]; NULL when `x` is NULL. */
  clamp(lo: string | number, hi: string | number, x: string): string;
}

export const SQLITE: Dialect = {
  engine: 'sqlite',
  indexedBy: (index) => ` INDEXED BY ${index}`,
  jsonArrayValues: (json, alias) => `json_each(${json}) AS ${alias}`,
  jsonText: (json, key) => `json_extract(${json}, '$.' || json_quote(${key}))`,
  jsonValue: (json, key) => `json_extract(${json}, '$.' || json_quote(${key}))`,
  stringAgg: (expr, separator) => `group_concat(${expr}, ${separator})`,
  greatest: (a, b) => `MAX(${a}, ${b})`,
  least: (a, b) => `MIN(${a}, ${b})`,
  integers: (n, alias) => `json_each('[${Array.from({ length: n }, (_, i) => i).join(',')}]') AS ${alias}`,
  jsonNumberAt: (json, key) => `CAST(json_extract(${json}, '$.' || json_quote(${key})) AS REAL)`,
  jsonArrayOf: (items) => `json_array(${items.join(', ')})`,
  jsonObject: (pairs) => `json_object(${pairs.join(', ')})`,
  jsonArrayAgg: (expr, filter) => `json_group_array(${expr})${filter ? ` FILTER (WHERE ${filter})` : ''}`,
  startsWith: (expr, prefix) => `${expr} GLOB '${prefix}*'`,
  upToUnitSep: (x) => `substr(${x}, 1, instr(${x}, char(31)))`,
  afterUnitSep: (x) => `substr(${x}, instr(${x}, char(31)) + 1)`,
  jsonEntries: (json, alias) => `json_each(${json}) AS ${alias}`,
  jsonEntryIsScalar: (alias) => `${alias}.type NOT IN ('object', 'array')`,
  jsonEntryText: (alias) => `CAST(${alias}.value AS TEXT)`,
  crossJoin: 'CROSS JOIN',
  sumIf: (cond) => `SUM(${cond})`,
  unitSeparator: 'char(31)',
  jsonNumber: (json, key, type) => `CAST(json_extract(${json}, '$.${key}') AS ${type})`,
  clamp: (lo, hi, x) => `max(${lo}, min(${hi}, ${x}))`,
};

/**
 * The constructs the write path's shared SQL (journey, incremental, rollups, lifecycle, restage,
 * salts) spells per engine. SQLite's spelling is the text those statements had before Postgres,
 * byte for byte, so SQLite's statements and plans do not change.
 */
export interface WriteDialect extends Dialect {
  /** Rows `value` of the JSON array (text) `json`, as a FROM item, optionally aliased. */
  jsonEach(json: string, alias?: string): string;
  /** A condition as the integer 0/1 (to store, or to print into text). */
  asInt(cond: string): string;
  /** An integer 0/1 as a condition. */
  truthy(value: string): string;
  /** The literal false of a condition (SQLite's 0). */
  readonly false: string;
  /** The integer `expr` as 15 zero-padded digits and a `|` (a time that sorts as text). */
  timeKey(expr: string): string;
  /** A JSON array (text) of the values. */
  jsonArray(...items: string[]): string;
  /** Element `i` of the JSON array (text) `json`, as text. */
  jsonIndex(json: string, i: number): string;
  /** Aggregate (or with `over`, window) of the values as a compact JSON array text, in order. */
  jsonGroupArray(expr: string, over?: string): string;
  /** Aggregate of key: value pairs as a compact JSON object text, ordered by `orderBy`. */
  jsonGroupObject(key: string, value: string, orderBy: string): string;
  /** The text value as a JSON string literal ('null' for NULL). */
  jsonQuote(expr: string): string;
  /** Joins the values of `expr` in a group with `separator` in `orderBy` order. */
  stringAggOrdered(expr: string, separator: string, orderBy: string): string;
  /** Position of `needle` in `text` from 1, 0 when absent. */
  instr(text: string, needle: string): string;
  /** Whether the value under `key` of the JSON object text `json` is a number. */
  jsonIsNumber(json: string, key: string): string;
  /** Scalar min / max of two non-null values, as the shared SQL spells them in SQLite (lower case). */
  min(a: string, b: string): string;
  max(a: string, b: string): string;
  /** `a IS NOT b` (null-safe inequality). */
  isNot(a: string, b: string): string;
  /**
   * Prefix of a column of the existing row in ON CONFLICT … DO UPDATE SET (SQLite: none; Postgres
   * would take a bare name as ambiguous with `excluded`).
   */
  old(table: string): string;
  /** Extra GROUP BY columns that SQLite lets a query select bare (constant within the group). */
  groupAlso(...cols: string[]): string;
  /** A column that is constant within the group, selected bare (SQLite) or through an aggregate. */
  bare(expr: string): string;
  /** `col` (named `alias`) of the row with the smallest `by` in the group (SQLite's bare column beside MIN(by)). */
  ofMin(col: string, by: string, alias: string): string;
  /** A parameter (or expression) whose type the engine cannot infer from its place. */
  typed(expr: string, type: 'BIGINT' | 'TEXT'): string;
  /** `INSERT OR REPLACE` head, and its tail after the SELECT: replace the row that clashes on `key`. */
  insertOrReplace: string;
  replaceOn(key: string, columns: string): string;
}

export const SQLITE_WRITE: WriteDialect = {
  ...SQLITE,
  jsonEach: (json, alias) => `json_each(${json})${alias ? ` ${alias}` : ''}`,
  asInt: (cond) => cond,
  truthy: (value) => value,
  false: '0',
  timeKey: (expr) => `printf('%015d|', ${expr})`,
  jsonArray: (...items) => `json_array(${items.join(', ')})`,
  jsonIndex: (json, i) => `json_extract(${json}, '$[${i}]')`,
  jsonGroupArray: (expr, over = '') => `json_group_array(${expr})${over}`,
  jsonGroupObject: (key, value, orderBy) => `json_group_object(${key}, ${value} ORDER BY ${orderBy})`,
  jsonQuote: (expr) => `json_quote(${expr})`,
  stringAggOrdered: (expr, separator, orderBy) => `group_concat(${expr}, ${separator} ORDER BY ${orderBy})`,
  instr: (text, needle) => `instr(${text}, ${needle})`,
  jsonIsNumber: (json, key) => `json_type(${json}, '$.${key}') IN ('integer', 'real')`,
  min: (a, b) => `min(${a}, ${b})`,
  max: (a, b) => `max(${a}, ${b})`,
  isNot: (a, b) => `${a} IS NOT ${b}`,
  old: () => '',
  groupAlso: () => '',
  bare: (expr) => expr,
  ofMin: (col) => col,
  typed: (expr) => expr,
  insertOrReplace: 'INSERT OR REPLACE',
  replaceOn: () => '',
};

/**
 * Postgres: JSON is stored as text (the export gives back the text as sent), so it is parsed
 * where read (`::json`); JSON texts built here are compact like SQLite's (`["a","b"]`), so the
 * paths that append to them and those that rebuild them agree byte for byte.
 */
export const POSTGRES: WriteDialect = {
  engine: 'postgres',
  indexedBy: () => '',
  jsonArrayValues: (json, alias) => `json_array_elements_text((${json})::json) AS ${alias}(value)`,
  jsonText: (json, key) => `((${json})::json ->> (${key}))`,
  // json: the driver parses it, so a number stays a number as from SQLite's json_extract.
  jsonValue: (json, key) => `((${json})::json -> (${key}))`,
  stringAgg: (expr, separator) => `string_agg(${expr}, ${separator})`,
  greatest: (a, b) => `GREATEST(${a}, ${b})`,
  least: (a, b) => `LEAST(${a}, ${b})`,
  integers: (n, alias) => `generate_series(0, ${n - 1}) AS ${alias}(value)`,
  // Only JSON numbers count, as in jsonNumber below.
  jsonNumberAt: (json, key) =>
    `CASE WHEN json_typeof((${json})::json -> (${key})) = 'number' THEN ((${json})::json ->> (${key}))::float8 END`,
  jsonArrayOf: (items) => `json_build_array(${items.join(', ')})::text`,
  // json, not text: json_build_array would nest text as a string.
  jsonObject: (pairs) => `json_build_object(${pairs.join(', ')})`,
  jsonArrayAgg: (expr, filter) => `COALESCE(json_agg(${expr})${filter ? ` FILTER (WHERE ${filter})` : ''}, '[]')::text`,
  startsWith: (expr, prefix) => `${expr} LIKE '${prefix}%'`,
  upToUnitSep: (x) => `substr(${x}, 1, strpos(${x}, chr(31)))`,
  afterUnitSep: (x) => `substr(${x}, strpos(${x}, chr(31)) + 1)`,
  jsonEntries: (json, alias) => `json_each((${json})::json) AS ${alias}(key, value)`,
  jsonEntryIsScalar: (alias) => `json_typeof(${alias}.value) NOT IN ('object', 'array')`,
  // A boolean as SQLite's CAST gives it: '1' or '0'.
  jsonEntryText: (alias) =>
    `(CASE json_typeof(${alias}.value) WHEN 'boolean' THEN CASE WHEN ${alias}.value::text = 'true' THEN '1' ELSE '0' END ELSE ${alias}.value #>> '{}' END)`,
  crossJoin: 'JOIN',
  jsonEach: (json, alias) => `json_array_elements_text((${json})::json) AS ${alias ? `${alias}(value)` : 'value'}`,
  sumIf: (cond) => `SUM((${cond})::int)`,
  asInt: (cond) => `(${cond})::int`,
  truthy: (value) => `(${value}) <> 0`,
  false: 'false',
  unitSeparator: 'chr(31)',
  timeKey: (expr) => `(lpad((${expr})::text, 15, '0') || '|')`,
  jsonArray: (...items) => `json_build_array(${items.join(', ')})::text`,
  jsonIndex: (json, i) => `((${json})::json ->> ${i})`,
  jsonGroupArray: (expr, over = '') => `('[' || string_agg(to_json(${expr})::text, ',')${over} || ']')`,
  jsonGroupObject: (key, value, orderBy) =>
    `('{' || string_agg(to_json(${key})::text || ':' || (${value}), ',' ORDER BY ${orderBy}) || '}')`,
  jsonQuote: (expr) => `COALESCE(to_json(${expr})::text, 'null')`,
  stringAggOrdered: (expr, separator, orderBy) => `string_agg(${expr}, ${separator} ORDER BY ${orderBy})`,
  instr: (text, needle) => `strpos(${text}, ${needle})`,
  // As SQLite's CAST(json_extract(…) AS REAL) reads it: a number; a string by its leading number,
  // else 0 (the schema lets money and engaged_ms be plain decimal strings: "129.50"); a boolean
  // as 1 or 0; an object or array 0; absent or null NULL.
  jsonNumber: (json, key, type) => {
    const v = `((${json})::json -> '${key}')`;
    const n = `CASE json_typeof(${v}) WHEN 'number' THEN (${v} #>> '{}')::float8
      WHEN 'string' THEN COALESCE(substring(${v} #>> '{}' from '^\\s*([-+]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?)')::float8, 0)
      WHEN 'boolean' THEN CASE WHEN ${v}::text = 'true' THEN 1 ELSE 0 END WHEN 'null' THEN NULL ELSE 0 END`;
    return type === 'INTEGER' ? `trunc(${n})` : `(${n})`;
  },
  jsonIsNumber: (json, key) => `json_typeof((${json})::json -> '${key}') = 'number'`,
  clamp: (lo, hi, x) => `(CASE WHEN (${x}) IS NOT NULL THEN GREATEST(${lo}, LEAST(${hi}, ${x})) END)`,
  min: (a, b) => `LEAST(${a}, ${b})`,
  max: (a, b) => `GREATEST(${a}, ${b})`,
  isNot: (a, b) => `${a} IS DISTINCT FROM ${b}`,
  old: (table) => `${table}.`,
  groupAlso: (...cols) => cols.map((c) => `${c}, `).join(''),
  bare: (expr) => `MIN(${expr})`,
  ofMin: (col, by, alias) => `(array_agg(${col} ORDER BY ${by}))[1] AS ${alias}`,
  typed: (expr, type) => `CAST(${expr} AS ${type})`,
  insertOrReplace: 'INSERT',
  replaceOn: (key, columns) =>
    `\nON CONFLICT (${key}) DO UPDATE SET ${columns
      .split(',')
      .map((c) => c.trim())
      .filter(
        (c) =>
          !key
            .split(',')
            .map((k) => k.trim())
            .includes(c),
      )
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}`,
};
