// First-party storage that never throws: private mode, a full quota and disabled storage all
// degrade to memory, so the host page never sees an exception from us.
const memory: Record<string, string> = {};
let store: Storage | undefined;
try {
  store = localStorage; // sandboxed iframes throw on mere access
} catch {}

/** Keep everything in memory only (cookieless mode). */
export const memoryOnly = (): void => {
  store = undefined;
};

export const load = <T>(key: string): T | undefined => {
  try {
    return JSON.parse(memory[key] ?? store!.getItem(key)) ?? undefined;
  } catch {}
};

/** Saves a value, or removes it when `value` is undefined; memory takes what storage refuses. */
export const save = (key: string, value?: unknown): void => {
  const raw = JSON.stringify(value);
  delete memory[key];
  try {
    // Removed first, so that a value that no longer fits leaves no stale copy behind (keys()
    // would list the key twice, and the event would be sent twice).
    store!.removeItem(key);
    raw && store!.setItem(key, raw);
  } catch {
    if (raw) memory[key] = raw;
  }
};

/** Keys that start with `prefix`, in storage and in memory. */
export const keys = (prefix: string): string[] => [...Object.keys(memory), ...Object.keys(store || {})].filter((k) => k.startsWith(prefix));
