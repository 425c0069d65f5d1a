// The filters of a report's scope (store/reads.ts Scope), by name: shared by the report (which
// reads them from the query) and the SQL engines (which turn them into conditions), so neither
// imports the other. The campaign filters (issue 14) are the visit's UTM values (sessions).

/** The campaign filters of a Scope: each keeps the visits whose `sessions` row has that value. */
export const CAMPAIGN_FILTERS = ['source', 'medium', 'campaign', 'content', 'term'] as const;
/** Every filter of a Scope, as the report query names them. */
export const SCOPE_FILTERS = ['persona', 'channel', 'device', 'country', ...CAMPAIGN_FILTERS] as const;
export type ScopeFilter = (typeof SCOPE_FILTERS)[number];

/** The filters a report narrows to, as fields of its query and of a Scope (SCOPE_FILTERS, by name). */
export interface ScopeFilters {
  /** The visitor's persona (visitors.persona). */
  persona?: string;
  /** The session's channel, device class and country. */
  channel?: string;
  device?: string;
  country?: string;
  /** Campaign filters: the visit's source, medium, campaign, content, term (its first event's UTM values). */
  source?: string;
  medium?: string;
  campaign?: string;
  content?: string;
  term?: string;
}
// Every filter name is a field of ScopeFilters and the other way round.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameFilters: Same<keyof ScopeFilters, ScopeFilter> = true;
void _sameFilters;

/** Whether any filter narrows the scope (some shortcuts hold for the whole site only). */
export const isFiltered = (s: Partial<Record<ScopeFilter, string>>): boolean => SCOPE_FILTERS.some((k) => s[k] !== undefined);

/** The filters set in `query` (a ReportQuery or the like), ready to spread into a Scope. */
export function scopeFilters(query: Partial<Record<ScopeFilter, string>>): Partial<Record<ScopeFilter, string>> {
  const out: Partial<Record<ScopeFilter, string>> = {};
  for (const k of SCOPE_FILTERS) if (query[k] !== undefined) out[k] = query[k];
  return out;
}
