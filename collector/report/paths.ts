// Paths (Paths in types.ts): the most common sequences of touchpoints — page views and
// actions, consecutive repeats merged — from the landing page, from a chosen touchpoint, or
// up to one, as a list and as Sankey nodes and links.
import type { Store } from '../store/types';
import type { Scope } from '../store/reads';
import type { Paths } from './types';

/** Sequences listed (and drawn). */
const TOP_SEQUENCES = 20;
export const DEFAULT_PATH_STEPS = 5;
export const MAX_PATH_STEPS = 10;

export interface PathOptions {
  from?: string;
  to?: string;
  steps?: number;
}

/**
 * The part of one session's sequence a path shows:
 * - `from` only: from its first occurrence, `steps` touchpoints;
 * - `to` only: the `steps` touchpoints that end at its first occurrence;
 * - both: from the first `from` to the first `to` after it, if that is within `steps`;
 * - neither: the first `steps` touchpoints (from the landing page).
 * Null when the session has no such part.
 */
export function cut(seq: readonly string[], steps: number, from?: string, to?: string): string[] | null {
  let start = 0;
  if (from !== undefined) {
    start = seq.indexOf(from);
    if (start < 0) return null;
  }
  if (to === undefined) return seq.slice(start, start + steps);
  const end = seq.indexOf(to, start + (from !== undefined && from === to ? 1 : 0));
  if (end < 0) return null;
  if (from === undefined) return seq.slice(Math.max(0, end - steps + 1), end + 1);
  return end - start + 1 <= steps ? seq.slice(start, end + 1) : null;
}

/** Appends `steps` to `seq`, merging consecutive repeats. */
function append(seq: string[], steps: readonly string[]) {
  for (const s of steps) if (seq[seq.length - 1] !== s) seq.push(s);
}

export async function paths(store: Store, scope: Scope, options: PathOptions = {}): Promise<Paths> {
  const steps = options.steps ?? DEFAULT_PATH_STEPS;
  const rows = await store.reads.paths(scope);
  const counts = new Map<string, { steps: string[]; sessions: number }>();
  const count = (seq: readonly string[]) => {
    const part = cut(seq, steps, options.from, options.to);
    if (!part?.length) return;
    // Joined with NUL (cheaper than JSON), prefixed with it so it never equals a JSON key, which
    // a part holding a NUL itself falls back to.
    const key = part.some((p) => p.includes('\0')) ? JSON.stringify(part) : `\0${part.join('\0')}`;
    const c = counts.get(key);
    if (c) c.sessions++;
    else counts.set(key, { steps: part, sessions: 1 });
  };
  // The sessions taken whole come with their steps joined; the others one rollup row (an hour)
  // at a time, joined in time order, consecutive repeats merged.
  for (const steps of rows.whole) {
    const joined: string[] = [];
    append(joined, steps);
    count(joined);
  }
  let session: string | null = null;
  let seq: string[] = [];
  for (const r of rows.parts) {
    if (r.session !== session) {
      if (session !== null) count(seq);
      session = r.session;
      seq = [];
    }
    append(seq, r.steps);
  }
  if (session !== null) count(seq);

  const sequences = [...counts.values()].sort((a, b) => b.sessions - a.sessions || compare(a.steps, b.steps)).slice(0, TOP_SEQUENCES);
  return {
    ...(options.from !== undefined ? { from: options.from } : {}),
    ...(options.to !== undefined ? { to: options.to } : {}),
    steps,
    sequences,
    ...sankey(sequences),
  };
}

const compare = (a: readonly string[], b: readonly string[]) => {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Sankey nodes ("n. touchpoint", one per step and touchpoint) and links (sessions) of the listed sequences. */
export function sankey(sequences: Paths['sequences']): Pick<Paths, 'nodes' | 'links'> {
  const nodes = new Map<string, Paths['nodes'][number]>();
  const links = new Map<string, Paths['links'][number]>();
  const node = (i: number, touchpoint: string) => {
    const name = `${i + 1}. ${touchpoint}`;
    if (!nodes.has(name)) nodes.set(name, { name, step: i + 1, touchpoint });
    return name;
  };
  for (const { steps, sessions } of sequences) {
    steps.forEach((t, i) => node(i, t));
    for (let i = 0; i + 1 < steps.length; i++) {
      const source = node(i, steps[i]!);
      const target = node(i + 1, steps[i + 1]!);
      const key = JSON.stringify([source, target]);
      const l = links.get(key);
      if (l) l.value += sessions;
      else links.set(key, { source, target, value: sessions });
    }
  }
  return {
    nodes: [...nodes.values()].sort((a, b) => a.step - b.step),
    links: [...links.values()],
  };
}
