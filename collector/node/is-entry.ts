// Node-only: whether a module is the program `node`/`tsx` was started with, not an import.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * True when the module at `moduleUrl` (its `import.meta.url`) is the program itself.
 * @example if (isEntry(import.meta.url)) main();
 */
export function isEntry(moduleUrl: string): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(moduleUrl);
  } catch {
    return false;
  }
}
