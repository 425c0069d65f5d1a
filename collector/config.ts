// Collector settings, and how to read them from an env-like record (process.env on Node, the
// bindings object on Workers) so both runtimes configure the collector the same way.
import {
  parseOrigins,
  parseQuota,
  parseRate,
  parseRetentionDays,
  parseSiteAliases,
  DEFAULT_QUOTAS,
  DEFAULT_RATE_LIMITS,
  type Quotas,
  type RateLimits,
} from './settings';
import { DEFAULT_STAGES } from './journey/stages';
import type { Target, TargetMetric } from './report/types';
import { parseGoals, type SiteGoal } from './goals';
import { parseSurveys, type SurveysConfig } from './surveys';

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
  /**
   * Site identifiers of Plausible, Umami and Segment clients (domain, website uuid, write key)
   * mapped to cjm site ids (`CJM_SITE_ALIASES`); an identifier not listed is the site id itself.
   */
  siteAliases?: ReadonlyMap<string, string>;
  /** Rate limits of /collect (`CJM_RATE_LIMIT`, `CJM_SITE_RATE_LIMIT`); unset: DEFAULT_RATE_LIMITS. */
  rateLimits?: Partial<RateLimits>;
  /** Quotas (`CJM_MAX_SITES`, `CJM_SITE_DAILY_EVENTS`, `CJM_MAX_DB_MB`); unset: DEFAULT_QUOTAS. */
  quotas?: Partial<Quotas>;
  /** Days to keep events (`CJM_RETENTION_DAYS`); unset keeps them forever. */
  retentionDays?: number;
  /** Targets of the future-state map (`CJM_TARGETS`), shown against the measured journey. */
  targets?: readonly SiteTarget[];
  /** Micro-surveys served to the SDK (`CJM_SURVEYS`, docs/surveys.md). */
  surveys?: SurveysConfig;
  /** Goals declared without code (`CJM_GOALS`, docs/report.md "Goals"); more through the API. */
  goals?: readonly SiteGoal[];
  /**
   * Accept an admin token shorter than {@link MIN_TOKEN_LENGTH} (`CJM_ALLOW_SHORT_TOKEN=1`): for a
   * local `npm run dev:worker -- --var CJM_ADMIN_TOKEN:secret` only, never for a deployment.
   */
  allowShortToken?: boolean;
}

/** A target for one site, or (without `site`) for every site. */
export interface SiteTarget extends Target {
  site?: string;
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
  /** Foreign site identifiers → cjm site ids for the drop-in endpoints: `uuid=shop;write_key=shop` (optional). */
  CJM_SITE_ALIASES?: string;
  /** Requests per client to /collect, e.g. `600/min` (default), `20/s`, or `off`. */
  CJM_RATE_LIMIT?: string;
  /** Requests per site to /collect, e.g. `60000/min` (default), or `off`. */
  CJM_SITE_RATE_LIMIT?: string;
  /** Requests per IP address to /collect, whatever the User-Agent, e.g. `1800/min` (default), or `off`. */
  CJM_IP_RATE_LIMIT?: string;
  /** Open mode (no CJM_SITES): most site ids stored, e.g. `100` (default), or `off`. */
  CJM_MAX_SITES?: string;
  /** Events stored per site per UTC day, e.g. `1000000` (default), or `off`. */
  CJM_SITE_DAILY_EVENTS?: string;
  /** Database size in MB past which /collect stores nothing (Node; default off). */
  CJM_MAX_DB_MB?: string;
  /** Delete events older than this many days (optional; unset or 0 keeps everything). */
  CJM_RETENTION_DAYS?: string;
  /** JSON array of targets, e.g. `[{"stage":"decision","metric":"conversion","min":0.05,"site":"shop"}]` (optional). */
  CJM_TARGETS?: string;
  /** JSON array of surveys, or `{"capDays":7,"surveys":[…]}` (optional; docs/surveys.md). On Node also a file path. */
  CJM_SURVEYS?: string;
  /** JSON array of goals: `["newsletter_signup", {"goal":"/pricing","label":"Saw prices","site":"shop"}]` (optional; docs/report.md "Goals"). */
  CJM_GOALS?: string;
  /** `1`: accept an admin token under 16 characters (local development only; set by `npm run dev:worker` when given one). */
  CJM_ALLOW_SHORT_TOKEN?: string;
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
  if (!t || (t.length < MIN_TOKEN_LENGTH && !config.allowShortToken) || !TOKEN_RE.test(t)) {
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

/** How {@link settingsFromEnv} reads a variable that may also name a file (Node's CJM_SURVEYS). */
export interface EnvReadOptions {
  /** Reads the file a value names, when the value is not JSON itself. Unset (Workers): a value is always JSON. */
  readFile?: (path: string, variable: string) => string;
}

/**
 * Every CJM_* setting both runtimes share, read and checked once, for Node (process.env) and
 * Workers (the bindings, where a JSON variable may already be an object). Throws an Error naming
 * the variable at fault. The admin token is not checked here: Node generates one when unset.
 * @example settingsFromEnv({ CJM_SITES: 'shop,blog' }).sites // ['shop', 'blog']
 */
export function settingsFromEnv(
  env: CollectorEnv | Readonly<Record<string, unknown>>,
  options: EnvReadOptions = {},
): Omit<CollectorConfig, 'adminToken'> & { adminToken?: string } {
  const record = env as Readonly<Record<string, unknown>>;
  const str = (key: keyof CollectorEnv): string | undefined => {
    const value = record[key];
    return typeof value === 'string' ? value : undefined;
  };
  /** A JSON variable: a string (JSON; CJM_SURVEYS on Node may name a file), or a wrangler var that is JSON already. */
  const json = (key: 'CJM_TARGETS' | 'CJM_SURVEYS' | 'CJM_GOALS'): string | undefined => {
    const raw = record[key];
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'string') return JSON.stringify(raw);
    if (key !== 'CJM_SURVEYS' || !options.readFile || raw.trim() === '' || /^\s*[[{]/.test(raw)) return raw;
    return options.readFile(raw.trim(), key);
  };
  const sites = parseSites(str('CJM_SITES'));
  const stages = parseSites(str('CJM_STAGES'));
  if (new Set(stages).size !== stages.length) throw new Error(`CJM_STAGES names a stage twice: ${JSON.stringify(str('CJM_STAGES'))}`);
  const journey = stages.length ? stages : DEFAULT_STAGES;
  const targets = parseTargets(json('CJM_TARGETS'), journey);
  const surveys = parseSurveys(json('CJM_SURVEYS'), journey);
  const goals = parseGoals(json('CJM_GOALS'));
  const adminToken = str('CJM_ADMIN_TOKEN')?.trim() || undefined;
  return {
    ...(adminToken ? { adminToken } : {}),
    ...(goals.length ? { goals } : {}),
    ...(str('CJM_ALLOW_SHORT_TOKEN')?.trim() === '1' ? { allowShortToken: true } : {}),
    sites,
    ...(stages.length ? { stages } : {}),
    ...(targets.length ? { targets } : {}),
    ...(surveys ? { surveys } : {}),
    ...limitSettingsFromEnv(str),
  };
}

/**
 * Builds a {@link CollectorConfig} from environment variables ({@link settingsFromEnv}); works
 * with `process.env` and with a Workers `env`. Throws when `CJM_ADMIN_TOKEN` is missing or unusable.
 * @example const config = configFromEnv(process.env);
 */
export function configFromEnv(env: CollectorEnv | Readonly<Record<string, unknown>>): CollectorConfig {
  const settings = settingsFromEnv(env);
  return assertConfig({ ...settings, adminToken: settings.adminToken ?? '' });
}

/**
 * The origin, rate-limit and retention settings of an env, only those that are set (so a bare
 * env gives `{}`). node/server.ts passes them to startServer; configFromEnv merges them in.
 * @example limitSettingsFromEnv((k) => process.env[k]) // { retentionDays: 400 } with CJM_RETENTION_DAYS=400
 */
export function limitSettingsFromEnv(
  str: (key: keyof CollectorEnv) => string | undefined,
): Pick<CollectorConfig, 'origins' | 'rateLimits' | 'retentionDays' | 'quotas' | 'siteAliases'> {
  const origins = parseOrigins(str('CJM_ORIGINS'));
  const siteAliases = parseSiteAliases(str('CJM_SITE_ALIASES'));
  const client = str('CJM_RATE_LIMIT')?.trim() ? parseRate('CJM_RATE_LIMIT', str('CJM_RATE_LIMIT'), DEFAULT_RATE_LIMITS.client) : undefined;
  const site = str('CJM_SITE_RATE_LIMIT')?.trim()
    ? parseRate('CJM_SITE_RATE_LIMIT', str('CJM_SITE_RATE_LIMIT'), DEFAULT_RATE_LIMITS.site)
    : undefined;
  const ip = str('CJM_IP_RATE_LIMIT')?.trim()
    ? parseRate('CJM_IP_RATE_LIMIT', str('CJM_IP_RATE_LIMIT'), DEFAULT_RATE_LIMITS.ip)
    : undefined;
  const retentionDays = parseRetentionDays(str('CJM_RETENTION_DAYS'));
  const quotas: Partial<Quotas> = {};
  const quota = (name: 'CJM_MAX_SITES' | 'CJM_SITE_DAILY_EVENTS' | 'CJM_MAX_DB_MB', key: keyof Quotas) => {
    if (str(name)?.trim()) quotas[key] = parseQuota(name, str(name), DEFAULT_QUOTAS[key]);
  };
  quota('CJM_MAX_SITES', 'sites');
  quota('CJM_SITE_DAILY_EVENTS', 'siteDailyEvents');
  quota('CJM_MAX_DB_MB', 'databaseMb');
  const rateLimits = {
    ...(client !== undefined ? { client } : {}),
    ...(site !== undefined ? { site } : {}),
    ...(ip !== undefined ? { ip } : {}),
  };
  return {
    ...(origins.size ? { origins } : {}),
    ...(siteAliases.size ? { siteAliases } : {}),
    ...(Object.keys(rateLimits).length ? { rateLimits } : {}),
    ...(Object.keys(quotas).length ? { quotas } : {}),
    ...(retentionDays ? { retentionDays } : {}),
  };
}

// 'conversion' is completion's old name, kept so existing targets keep working.
const TARGET_METRICS: readonly TargetMetric[] = [
  'visitors',
  'sessions',
  'reach',
  'completion',
  'conversion',
  'bounceRate',
  'feedbackMean',
  'frustration',
];
const TARGET_KEYS = new Set(['stage', 'metric', 'min', 'max', 'site']);

/**
 * Parses `CJM_TARGETS`: a JSON array of `{stage, metric, min?, max?, site?}` (at least one of
 * min/max; a rate such as conversion is a fraction, 0.05 = 5 %). Throws an Error naming the
 * entry and field at fault, so a typo stops the collector at start-up.
 * @example parseTargets('[{"stage":"decision","metric":"conversion","min":0.05}]', DEFAULT_STAGES)
 */
export function parseTargets(value: string | undefined, stages: readonly string[] = DEFAULT_STAGES): SiteTarget[] {
  if (value === undefined || value.trim() === '') return [];
  const fail = (why: string): never => {
    throw new Error(`CJM_TARGETS ${why}; expected a JSON array such as [{"stage":"decision","metric":"conversion","min":0.05}]`);
  };
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch (err) {
    return fail(`is not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(list)) return fail('is not an array');
  return list.map((item: unknown, i): SiteTarget => {
    const at = `[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return fail(`${at} is not an object`);
    const t = item as Record<string, unknown>;
    for (const key of Object.keys(t))
      if (!TARGET_KEYS.has(key)) fail(`${at} has an unknown field "${key}" (use stage, metric, min, max, site)`);
    if (typeof t.stage !== 'string' || !stages.includes(t.stage))
      fail(`${at}.stage ${JSON.stringify(t.stage)} is not one of the stages ${stages.join(', ')}`);
    if (typeof t.metric !== 'string' || !TARGET_METRICS.includes(t.metric as TargetMetric))
      fail(`${at}.metric ${JSON.stringify(t.metric)} is not one of ${TARGET_METRICS.join(', ')}`);
    for (const bound of ['min', 'max'] as const)
      if (t[bound] !== undefined && (typeof t[bound] !== 'number' || !Number.isFinite(t[bound]))) fail(`${at}.${bound} is not a number`);
    if (t.min === undefined && t.max === undefined) fail(`${at} needs a min or a max`);
    if (typeof t.min === 'number' && typeof t.max === 'number' && t.min > t.max) fail(`${at}.min is above its max`);
    if (t.site !== undefined && typeof t.site !== 'string') fail(`${at}.site is not a string`);
    const target: SiteTarget = { stage: t.stage as string, metric: t.metric as TargetMetric };
    if (t.min !== undefined) target.min = t.min as number;
    if (t.max !== undefined) target.max = t.max as number;
    if (t.site !== undefined) target.site = t.site as string;
    return target;
  });
}

/** The targets that apply to `site` (its own and those without a site), without the site field. */
export function targetsForSite(config: CollectorConfig, site: string): Target[] {
  return (config.targets ?? []).filter((t) => t.site === undefined || t.site === site).map(({ site: _, ...t }) => t);
}
