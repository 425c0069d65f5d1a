// Collector settings, and how to read them from an env-like record (process.env on Node, the
// bindings object on Workers) so both runtimes configure the collector the same way.
import { parseOrigins, parseRate, parseRetentionDays, DEFAULT_RATE_LIMITS, type RateLimits } from './settings';

/** Settings of one collector instance. */
export interface CollectorConfig {
  /** Bearer token for the admin API (`/api/*`). Characters: A-Z a-z 0-9 - . _ ~ + / (then `=` padding). */
  adminToken: string;
  /**
   * Site ids `/collect` accepts. Empty or undefined accepts any site id: the development default,
   * so a fresh install works before anyone has configured anything.
   */
  sites?: readonly string[];
  /** The journey's stages in order (`CJM_STAGES`); default awareness … advocacy. */
  stages?: readonly string[];
  /**
   * Origins each site's browsers may send from (`CJM_ORIGINS`). A site not listed accepts any
   * origin; requests without an Origin header (server-side senders) are not affected.
   */
  origins?: ReadonlyMap<string, readonly string[]>;
  /** Rate limits of /collect (`CJM_RATE_LIMIT`, `CJM_SITE_RATE_LIMIT`); unset: DEFAULT_RATE_LIMITS. */
  rateLimits?: Partial<RateLimits>;
  /** Days to keep events (`CJM_RETENTION_DAYS`); unset keeps them forever. */
  retentionDays?: number;
}

/** The variables {@link configFromEnv} reads. Unknown keys are ignored. */
export interface CollectorEnv {
  /** Admin API token (required). */
  CJM_ADMIN_TOKEN?: string;
  /** Comma-separated list of accepted site ids (optional). */
  CJM_SITES?: string;
  /** Comma-separated journey stages, in order (optional; default awareness,consideration,decision,retention,advocacy). */
  CJM_STAGES?: string;
  /** Allowed browser origins per site: `shop=https://shop.example|https://www.shop.example;blog=https://blog.example`. */
  CJM_ORIGINS?: string;
  /** Requests per client to /collect, e.g. `600/min` (default), `20/s`, or `off`. */
  CJM_RATE_LIMIT?: string;
  /** Requests per site to /collect, e.g. `60000/min` (default), or `off`. */
  CJM_SITE_RATE_LIMIT?: string;
  /** Delete events older than this many days (optional; unset or 0 keeps everything). */
  CJM_RETENTION_DAYS?: string;
}

// The token alphabet hono's bearerAuth accepts (RFC 6750 b64token); a token outside it could
// never authenticate, so it is refused at start-up instead of failing every request.
const TOKEN_RE = /^[A-Za-z0-9._~+/-]+=*$/;

/** Minimum admin token length: long enough that guessing it is not a practical attack. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Checks a config and returns it, throwing an Error that names the variable at fault.
 * @example assertConfig({ adminToken: 'x'.repeat(32) })
 */
export function assertConfig(config: CollectorConfig): CollectorConfig {
  const t = config.adminToken;
  if (!t || t.length < MIN_TOKEN_LENGTH || !TOKEN_RE.test(t)) {
    throw new Error(
      `CJM_ADMIN_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters of A-Z a-z 0-9 - . _ ~ + / (e.g. \`openssl rand -hex 24\`)`,
    );
  }
  // A site with allowed origins that CJM_SITES refuses anyway is a typo in one of the two.
  for (const site of config.origins?.keys() ?? []) {
    if (config.sites?.length && !config.sites.includes(site)) {
      throw new Error(`CJM_ORIGINS names site "${site}", which CJM_SITES (${config.sites.join(', ')}) does not accept`);
    }
  }
  return config;
}

/** Splits `CJM_SITES` ("shop, blog ,,docs") into trimmed, non-empty ids. */
export function parseSites(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Builds a {@link CollectorConfig} from environment variables; works with `process.env` and with
 * a Workers `env`. Throws when `CJM_ADMIN_TOKEN` is missing or unusable.
 * @example const config = configFromEnv(process.env);
 */
export function configFromEnv(env: CollectorEnv | Readonly<Record<string, unknown>>): CollectorConfig {
  const str = (key: keyof CollectorEnv): string | undefined => {
    const value = (env as Readonly<Record<string, unknown>>)[key];
    return typeof value === 'string' ? value : undefined;
  };
  const sites = parseSites(str('CJM_SITES'));
  const stages = parseSites(str('CJM_STAGES'));
  return assertConfig({
    adminToken: str('CJM_ADMIN_TOKEN')?.trim() ?? '',
    sites,
    ...(stages.length ? { stages } : {}),
    ...limitSettingsFromEnv(str),
  });
}

/**
 * The origin, rate-limit and retention settings of an env, only those that are set (so a bare
 * env gives `{}`). node.ts passes them to startServer; configFromEnv merges them in.
 * @example limitSettingsFromEnv((k) => process.env[k]) // { retentionDays: 400 } with CJM_RETENTION_DAYS=400
 */
export function limitSettingsFromEnv(
  str: (key: keyof CollectorEnv) => string | undefined,
): Pick<CollectorConfig, 'origins' | 'rateLimits' | 'retentionDays'> {
  const origins = parseOrigins(str('CJM_ORIGINS'));
  const client = str('CJM_RATE_LIMIT')?.trim() ? parseRate('CJM_RATE_LIMIT', str('CJM_RATE_LIMIT'), DEFAULT_RATE_LIMITS.client) : undefined;
  const site = str('CJM_SITE_RATE_LIMIT')?.trim() ? parseRate('CJM_SITE_RATE_LIMIT', str('CJM_SITE_RATE_LIMIT'), DEFAULT_RATE_LIMITS.site) : undefined;
  const retentionDays = parseRetentionDays(str('CJM_RETENTION_DAYS'));
  return {
    ...(origins.size ? { origins } : {}),
    ...(client !== undefined || site !== undefined
      ? { rateLimits: { ...(client !== undefined ? { client } : {}), ...(site !== undefined ? { site } : {}) } }
      : {}),
    ...(retentionDays ? { retentionDays } : {}),
  };
}
