// Paths per person across visits (issue 14): each person's visits of the period in the order
// they started, their touchpoints joined with a visit boundary between visits, cut and counted
// like the per-visit paths (paths.ts) — so a first visit from a blog post, a second from the
// newsletter and a purchase on the third show as one path. Read like the per-visit paths
// (store.reads.personPaths: report_paths, and report_sessions.steps for the whole sessions), with each
// visit's start from `sessions`. Its own endpoint. docs/report.md "Paths per person".
import type { Scope } from '../store/reads';
import type { Store } from '../store/types';
import { cut, DEFAULT_PATH_STEPS, sankey, type PathOptions } from './paths';
import type { Paths } from './types';

/** The step that marks the start of a person's next visit in a path. */
export const NEXT_VISIT = '(next visit)';
/** Sequences listed (and drawn). */
const TOP_SEQUENCES = 20;

export interface PersonPaths {
  from?: string;
  to?: string;
  steps: number;
  /** The step between two visits in `sequences[].steps`. */
  visitBoundary: string;
  /** People whose visits of the period gave a path (with from/to: one that holds them). */
  people: number;
  /** The most common sequences (top 20), each counted once per person. */
  sequences: { steps: string[]; people: number }[];
  /** Sankey nodes and links of the listed sequences (a link's value: people). */
  nodes: Paths['nodes'];
  links: Paths['links'];
}

/** Appends `steps` to `seq`, merging consecutive repeats (within a visit). */
function append(seq: string[], steps: readonly string[]) {
  for (const s of steps) if (seq[seq.length - 1] !== s) seq.push(s);
}

export async function personPaths(store: Store, scope: Scope, options: PathOptions = {}): Promise<PersonPaths> {
  const steps = options.steps ?? DEFAULT_PATH_STEPS;
  // One row per whole session (visitor, steps, start), and the other sessions' rollup rows (one
  // per hour and segment) in time order; sessions with several visitors go to their least.
  const rows = await store.reads.personPaths(scope);
  // Per session: its visitor, start and touchpoints.
  const visits = new Map<string, { visitor: string; start: number; seq: string[] }>();
  for (const r of rows) {
    let v = visits.get(r.session);
    if (!v) visits.set(r.session, (v = { visitor: r.visitor, start: r.time, seq: [] }));
    if (r.visitor < v.visitor) v.visitor = r.visitor;
    append(v.seq, r.steps);
  }
  const byPerson = new Map<string, { start: number; seq: string[] }[]>();
  for (const v of visits.values()) {
    if (!v.seq.length) continue;
    const list = byPerson.get(v.visitor) ?? [];
    list.push(v);
    byPerson.set(v.visitor, list);
  }
  const counts = new Map<string, { steps: string[]; people: number }>();
  let people = 0;
  for (const list of byPerson.values()) {
    list.sort((a, b) => a.start - b.start);
    const seq: string[] = [];
    list.forEach((v, i) => {
      if (i) seq.push(NEXT_VISIT);
      seq.push(...v.seq);
    });
    const part = cut(seq, steps, options.from, options.to);
    if (!part?.length) continue;
    people++;
    const key = JSON.stringify(part);
    const c = counts.get(key);
    if (c) c.people++;
    else counts.set(key, { steps: part, people: 1 });
  }
  const sequences = [...counts.values()]
    .sort((a, b) => b.people - a.people || (JSON.stringify(a.steps) < JSON.stringify(b.steps) ? -1 : 1))
    .slice(0, TOP_SEQUENCES);
  return {
    ...(options.from !== undefined ? { from: options.from } : {}),
    ...(options.to !== undefined ? { to: options.to } : {}),
    steps,
    visitBoundary: NEXT_VISIT,
    people,
    sequences,
    ...sankey(sequences.map((s) => ({ steps: s.steps, sessions: s.people }))),
  };
}
