// What the storage port's lifecycle operations are asked and answer (types only, so the port
// (types.ts) and the engines' SQL (sql/lifecycle.ts, sql/restage.ts) share them without a circle).

/** What {@link Store.deleteBefore} did. */
export interface DeleteResult {
  /** Events deleted. */
  deleted: number;
}

/** What {@link Store.eraseVisitor} did. */
export interface EraseResult {
  /** Events deleted. */
  deleted: number;
  /** Every visitor id erased: the one asked for and those linked to it by a user id. */
  visitors: string[];
}

/** What {@link Store.restage} is asked to do. */
export interface RestageOptions {
  /** The site's journey stages in order (CJM_STAGES); default awareness … advocacy. */
  stages?: readonly string[];
  /** Cursor: take the visitors whose id sorts after this one (the `next` of the previous chunk); unset starts at the first. */
  after?: string | null;
  /** Visitors per chunk (default {@link RESTAGE_CHUNK}). */
  limit?: number;
  /**
   * Also re-infer events stored before migration 0008 (`stage_inferred` NULL), whose stage may
   * have been set by the page: only for sites that set no stages themselves. They are marked
   * inferred afterwards.
   */
  includeUnknown?: boolean;
  /** Compute and count the changes, write nothing. */
  dryRun?: boolean;
}

/** Events of one old → new stage change. */
export interface StageMove {
  from: string | null;
  to: string;
  events: number;
}

/** What one {@link Store.restage} chunk did. */
export interface RestageResult {
  /** Visitors in this chunk. */
  visitors: number;
  /** Their events re-inferred (inferred ones, and unknown ones when asked). */
  events: number;
  /** Of those, the events whose stage changed (and were updated, unless a dry run). */
  changed: number;
  /** The changes per old → new stage, most events first. */
  moves: StageMove[];
  /** Cursor of the next chunk (its `after`), or null when this was the last. */
  next: string | null;
}
