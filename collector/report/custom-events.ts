// The custom events of a period (type `event`: track('signup'), data-cjm-event clicks, outbound
// links, downloads, forms), by name: how often, by how many visitors, and how many of those
// bought after it; and one event's property breakdown (a plan, a place, a search term). Read
// from the events through a covering partial index (migration 0011), so only these events are
// visited; "bought after" is one seek per visitor in the purchases' index (migration 0004).
import type { Store } from '../store/types';
import type { Scope } from '../store/reads';
import type { CustomEvent } from './types';

/** Names listed at most; the export has the rest. */
export const CUSTOM_EVENTS_LISTED = 50;

/** The period's custom events by name, most events first (then name). */
export async function customEvents(store: Store, scope: Scope): Promise<CustomEvent[]> {
  const rows = await store.reads.customEvents(scope, CUSTOM_EVENTS_LISTED);
  return rows.map((r) => ({ name: r.name, events: r.events, visitors: r.visitors, boughtAfter: r.bought }));
}

/** Property keys and values listed at most for one event. */
const PROPS_LISTED = 10;
const VALUES_LISTED = 20;

/** One custom event's properties: each key with its most frequent values (events, visitors). */
export interface EventProperties {
  name: string;
  events: number;
  props: { key: string; events: number; values: { value: string; events: number; visitors: number }[] }[];
}

/**
 * The property breakdown of the custom event `name` in the scope — e.g. `search` by `term` (the
 * site-search terms), `select_plan` by `plan`. Scalar values only (an array such as `items` is left out).
 */
export async function eventProperties(store: Store, scope: Scope, name: string): Promise<EventProperties> {
  const rows = await store.reads.eventProperties(scope, name);
  const byKey = new Map<string, EventProperties['props'][number]>();
  let events = 0;
  for (const r of rows) {
    if (r.key === '') {
      events = r.events;
      continue;
    }
    const key = r.key;
    const p = byKey.get(key) ?? { key, events: 0, values: [] };
    p.events += r.events;
    p.values.push({ value: r.value ?? '', events: r.events, visitors: r.visitors });
    byKey.set(key, p);
  }
  const props = [...byKey.values()].sort((a, b) => b.events - a.events || (a.key < b.key ? -1 : 1)).slice(0, PROPS_LISTED);
  for (const p of props) p.values = p.values.sort((a, b) => b.events - a.events || (a.value < b.value ? -1 : 1)).slice(0, VALUES_LISTED);
  return { name, events, props };
}
