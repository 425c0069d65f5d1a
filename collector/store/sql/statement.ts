// One parameterised statement, as every SQL engine's driver runs it.

/** One parameterised statement. Parameters are numbered (?1, ?2 …), as SQLite and D1 allow. */
export interface Statement {
  sql: string;
  params: (string | number | null)[];
}
