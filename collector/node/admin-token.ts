// Node-only: the admin token a dev install uses when CJM_ADMIN_TOKEN is unset — generated once,
// kept in the data directory (owner-only) so it survives restarts.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertConfig } from '../config';

/** A fresh random token: 32 base64url characters (192 bits). */
export const generateToken = (): string => randomBytes(24).toString('base64url');

/**
 * Reads `<dir>/admin-token`, creating it with a random token if it does not exist.
 * @returns the token and whether it was created now
 * @example const { token } = loadOrCreateAdminToken('./data');
 */
export function loadOrCreateAdminToken(dir: string): { token: string; file: string; created: boolean } {
  const file = join(dir, 'admin-token');
  try {
    const token = readFileSync(file, 'utf8').trim();
    assertConfig({ adminToken: token });
    return { token, file, created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`cannot use ${file}: ${(err as Error).message}; fix or delete it`, { cause: err });
    }
  }
  const token = generateToken();
  // 'wx': never overwrite a token another process has just written.
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, file, created: true };
}
