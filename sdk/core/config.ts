// Public options of the SDK, with their defaults. The script tag maps data-* attributes here.
export interface Options {
  /** Site id, as configured on the collector (`data-site`). Required. */
  site: string;
  /** Where batches go (`data-endpoint`); the script tag defaults to its own origin + `/collect`. */
  endpoint?: string;
  /** Count hash changes as page views, for hash-routed apps (`data-hash`). Default false. */
  hash?: boolean;
  /** Send a page view on init and on SPA navigation. Default true. */
  autoPageviews?: boolean;
  /** Send when this many events are queued. Default 10. */
  batchSize?: number;
  /** …or this many ms after an event was queued. Default 2000. */
  flushInterval?: number;
  /** Cap of the persisted queue, in events (default 500) and bytes (default 256 KB). */
  maxEvents?: number;
  maxBytes?: number;
}

export type Config = Required<Omit<Options, 'endpoint'>> & { endpoint: string };

export const configure = (o: Options): Config => ({
  endpoint: '/collect',
  hash: false,
  autoPageviews: true,
  batchSize: 10,
  flushInterval: 2000,
  maxEvents: 500,
  maxBytes: 256 * 1024,
  ...o,
});
