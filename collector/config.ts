// Collector settings, and how to read them from an env-like record (process.env on Node, the
// bindings object on Workers) so both runtimes configure the collector the same way.

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
}

/** The variables {@link configFromEnv} reads. Unknown keys are ignored. */
export interface CollectorEnv {
  /** Admin API token (required). */
  CJM_ADMIN_TOKEN?: string;
  /** Comma-separated list of accepted site ids (optional). */
  CJM_SITES?: string;
  /** Comma-separated journey stages, in order (optional; default awareness,consideration,decision,retention,advocacy). */
  CJM_STAGES?: string;
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
  return assertConfig({ adminToken: str('CJM_ADMIN_TOKEN')?.trim() ?? '', sites, ...(stages.length ? { stages } : {}) });
}
