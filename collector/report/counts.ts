// Lists of named counts, shared by the stage, core, funnel and voice figures.

/** A name and how many. */
export interface Count {
  name: string;
  count: number;
}

/** The name shown for a missing channel (sessions always have one; kept for safety). */
export const NO_CHANNEL = '(none)';

/** Most first, then by name. */
export const byCount = (a: Count, b: Count): number => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
