// Paths per person across visits (issue 14): each person's visits of the period in the order
// they started, their touchpoints joined with a visit boundary between visits, cut and counted
// like the per-visit paths (paths.ts) — so a first visit from a blog post, a second from the
// newsletter and a purchase on the third show as one path. Read like the per-visit paths
// (sql.ts sessionSplit over report_paths; report_sessions.steps for the whole sessions), with each
// visit's start from `sessions`. Its own endpoint. docs/report.md "Paths per person".
import type { Store } from '../store/types';
import { cut, DEFAULT_PATH_STEPS, sankey, type PathOptions } from './paths';
import { num, sessionSplit, Sql, type Scope } from './sql';
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
  const q = new Sql();
  const { whole, rest } = sessionSplit(q, scope, 'paths');
  const site = q.p(scope.site);
  // One row per whole session (visitor, steps, start), and the other sessions' rollup rows (one
  // per hour and segment) in time order; sessions with several visitors go to their least.
  const rows = await q.run(
    store,
    `SELECT 0 AS part, w.visitor AS visitor, w.session AS session, x.started AS t, w.steps AS steps FROM (SELECT visitor, session, steps ${whole ?? 'FROM report_sessions WHERE 0'}) w
       JOIN sessions x ON x.site = ${site} AND x.session = w.session WHERE w.visitor <> ''
     UNION ALL
     SELECT 1, visitor, session, first_time, steps FROM (${rest('session, visitor, first_time, steps')}) WHERE session <> '' AND visitor <> ''
     ORDER BY 1, 3, 4`,
  );
  // Per session: its visitor, start and touchpoints.
  const visits = new Map<string, { visitor: string; start: number; seq: string[] }>();
  for (const r of rows) {
    const session = String(r.session);
    let v = visits.get(session);
    if (!v) visits.set(session, (v = { visitor: String(r.visitor), start: num(r.t), seq: [] }));
    if (String(r.visitor) < v.visitor) v.visitor = String(r.visitor);
    append(v.seq, JSON.parse(String(r.steps)) as string[]);
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
  const sequences = [...counts.values()].sort((a, b) => b.people - a.people || (JSON.stringify(a.steps) < JSON.stringify(b.steps) ? -1 : 1)).slice(0, TOP_SEQUENCES);
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
