// Who may use the admin API (/api/*): CJM_ADMIN_TOKEN, the super-admin of every site, or a
// per-site token (migration 0010) with a role: `viewer` reads (dashboard, report, export),
// `admin` also erases. Tokens are stored as SHA-256 only; runtime-neutral (Web Crypto).
import { timingSafeEqual } from 'hono/utils/buffer';
import type { Store } from '../store/types';

export type Role = 'viewer' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'admin'];

/** What a token may do: every site (the super-admin), or one site in one role. */
export type Access = { site: null; role: 'super' } | { site: string; role: Role };

const encoder = new TextEncoder();

/** Hex SHA-256 of a token: how it is stored and looked up. */
export async function tokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A new token: `cjm_` and 32 random bytes in base64url (256 bits: a hash needs no salt). */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `cjm_${btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')}`;
}

/**
 * The access a bearer token gives, or null when it gives none. The super-admin token is
 * compared in constant time; a per-site token is looked up by its hash.
 * @example await accessOf('cjm_…', config.adminToken, store) // { site: 'shop', role: 'viewer' }
 */
export async function accessOf(token: string, adminToken: string, store: Store): Promise<Access | null> {
  if (await timingSafeEqual(token, adminToken)) return { site: null, role: 'super' };
  if (!token.startsWith('cjm_')) return null;
  const row = await store.reads.token(await tokenHash(token));
  if (!row || !ROLES.includes(row.role as Role)) return null;
  return { site: row.site, role: row.role as Role };
}

/** The SQL that stores a token (for the CLI and for `wrangler d1 execute`). */
export const INSERT_TOKEN_SQL = 'INSERT INTO tokens (hash, id, site, role, name, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)';
