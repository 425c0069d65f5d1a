// Goals declared without code (issue 14): any custom event's name or page path can be a goal,
// from CJM_GOALS (config, read at start like CJM_SURVEYS: a mistake stops the collector naming
// the entry at fault) or through the admin API (stored, migration 0015). The goals report
// (report/goals.ts) gives each its conversions, conversion rate, the "reached stage → did goal"
// funnel, and the attribution report takes it as `goal`. docs/report.md "Goals".

/** A goal as the collector knows it. */
export interface Goal {
  /** A custom event's name (`newsletter_signup`) or a page path (`/pricing`). */
  goal: string;
  /** What the dashboard calls it; null: the goal itself. */
  label: string | null;
  /** Where it was declared: CJM_GOALS (cannot be removed through the API) or the API. */
  declared: 'config' | 'api';
}

/** A CJM_GOALS entry: for one site, or (without `site`) for every site. */
export interface SiteGoal {
  goal: string;
  label: string | null;
  site?: string;
}

/** Longest goal and label. */
export const MAX_GOAL = 200;
export const MAX_LABEL = 100;
/** Most goals per site (config and API together), so the goals report stays one short read. */
export const MAX_GOALS = 50;

const EXAMPLE = '["newsletter_signup", {"goal": "/pricing", "label": "Saw prices", "site": "shop"}]';

/**
 * Why `goal` (a custom event's name or a page path) cannot be a goal, or null when it can.
 * `purchase` is not one: purchases are the report's own conversions (every one counts, with its value).
 */
export function goalProblem(goal: unknown): string | null {
  if (typeof goal !== 'string' || goal.trim() === '') return 'must be a custom event name or a page path starting with /';
  if (goal.length > MAX_GOAL) return `longer than ${MAX_GOAL} characters`;
  if (goal !== goal.trim()) return 'starts or ends with a space';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(goal)) return 'holds a control character';
  if (goal === 'purchase') return '"purchase" is built in (every purchase is a conversion); choose another event or a page';
  return null;
}

/** Why `label` cannot be a label (null, or a string of at most MAX_LABEL characters), or null. */
export function labelProblem(label: unknown): string | null {
  if (label === undefined || label === null) return null;
  if (typeof label !== 'string') return 'must be a string';
  if (label.length > MAX_LABEL) return `longer than ${MAX_LABEL} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(label)) return 'holds a control character';
  return null;
}

/**
 * Parses CJM_GOALS: a JSON array whose entries are a goal (`"newsletter_signup"`, `"/pricing"`)
 * or `{"goal": …, "label"?: …, "site"?: …}`. Throws an Error naming the entry and field at fault.
 * @example parseGoals('["newsletter_signup", {"goal": "/pricing", "site": "shop"}]')
 */
export function parseGoals(value: string | undefined): SiteGoal[] {
  if (value === undefined || value.trim() === '') return [];
  const fail = (why: string): never => {
    throw new Error(`CJM_GOALS ${why}; expected a JSON array such as ${EXAMPLE} (docs/report.md "Goals")`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch (err) {
    return fail(`is not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(raw)) return fail('is not an array');
  const seen = new Map<string, number>();
  return raw.map((entry: unknown, i): SiteGoal => {
    const e = typeof entry === 'string' ? { goal: entry } : entry;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return fail(`[${i}] is neither a goal nor {"goal": …}`);
    const { goal, label, site, ...rest } = e as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) fail(`[${i}].${extra}: unknown field; use goal, label, site`);
    const gp = goalProblem(goal);
    if (gp) fail(`[${i}].goal: ${gp}`);
    const lp = labelProblem(label);
    if (lp) fail(`[${i}].label: ${lp}`);
    if (site !== undefined && (typeof site !== 'string' || !site)) fail(`[${i}].site: must be a site id`);
    const key = `${(site as string | undefined) ?? '*'}\0${goal as string}`;
    if (seen.has(key)) fail(`[${i}].goal: "${goal as string}" is declared twice`);
    seen.set(key, i);
    return { goal: goal as string, label: (label as string | undefined) ?? null, ...(site !== undefined ? { site: site as string } : {}) };
  });
}

/** The CJM_GOALS goals of `site`, then the stored ones not already there (at most MAX_GOALS). */
export function siteGoals(
  config: readonly SiteGoal[] | undefined,
  site: string,
  stored: readonly { goal: string; label: string | null }[],
): Goal[] {
  const out: Goal[] = [];
  const seen = new Set<string>();
  for (const g of config ?? [])
    if ((g.site === undefined || g.site === site) && !seen.has(g.goal)) {
      seen.add(g.goal);
      out.push({ goal: g.goal, label: g.label, declared: 'config' });
    }
  for (const g of stored)
    if (!seen.has(g.goal)) {
      seen.add(g.goal);
      out.push({ goal: g.goal, label: g.label, declared: 'api' });
    }
  return out.slice(0, MAX_GOALS);
}
