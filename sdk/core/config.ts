// Public options of the SDK and their defaults. On the script tag every option is a data-*
// attribute of the same name (docs/attributes.md), so the two can never drift apart.
/** URL rules: path pattern (`*` = any characters) → value. Exact paths win over patterns. */
export type UrlRules = Record<string, string>;

export interface Options {
  /** Site id, as configured on the collector (`data-site`). Required. */
  site: string;
  /** Where batches go (`data-endpoint`); the script tag defaults to its own origin + `/collect`. */
  endpoint?: string;
  /** Count hash changes as page views, for hash-routed apps (`data-hash`). Default false. */
  hash?: boolean;
  /** Send a page view on init and on SPA navigation (`data-pageviews="false"` turns off). Default true. */
  pageviews?: boolean;
  /** URL rules → journey stage (`data-stages`), e.g. `{"/blog/*": "awareness"}`. */
  stages?: UrlRules;
  /** URL rules → checkout step sent with the page view (`data-checkout`). */
  checkout?: UrlRules;
  /** Persona of every visitor of this page (`data-persona`); `identify()` can set it per user. */
  persona?: string;
  /** Query parameters that mean a site search (`data-search="q,s"`). Default q, s, search, query. */
  search?: string | string[];
  /** Load web vitals lazily and report poor ones as pain points (`data-vitals`). Default false. */
  vitals?: boolean;
  /** Keep nothing in storage; ids live in memory for this page (`data-cookieless`). */
  cookieless?: boolean;
  /** Honour Do-Not-Track and Global Privacy Control (`data-dnt="false"` turns off). Default true. */
  dnt?: boolean;
  /** Send when this many events are queued (`data-batch-size`). Default 10. */
  batchSize?: number;
  /** …or this many ms after an event was queued (`data-flush-interval`). Default 2000. */
  flushInterval?: number;
  /** Cap of the persisted queue in events (`data-max-events`, default 500); oldest dropped first. */
  maxEvents?: number;
  /** Cap of the persisted queue in bytes (`data-max-bytes`, default 256 KB). */
  maxBytes?: number;
  /** Say in the console why events do not reach the report (`data-debug`): refusals, consent, bots. Default false. */
  debug?: boolean;
}

export type Config = Required<
  Pick<Options, 'site' | 'endpoint' | 'dnt' | 'pageviews' | 'batchSize' | 'flushInterval' | 'maxEvents' | 'maxBytes'>
> &
  Options;

export const configure = (o: Options): Config => ({
  endpoint: '/collect',
  dnt: true,
  pageviews: true,
  batchSize: 10,
  flushInterval: 2000,
  maxEvents: 500,
  maxBytes: 256 * 1024,
  ...o,
});

/** The value of the first rule matching `path`: an exact match first, then patterns in order. */
export const matchRule = (rules: UrlRules | undefined, path: string): string | undefined => {
  if (rules) {
    if (rules[path]) return rules[path];
    // Every non-word character is escaped, then the escaped `*` becomes `.*`.
    for (const k in rules) if (RegExp('^' + k.replace(/\W/g, '\\$&').replace(/\\\*/g, '.*') + '$').test(path)) return rules[k];
  }
};
