// First-party storage that never throws: private mode, a full quota and disabled storage all
// degrade to memory, so the host page never sees an exception from us.
const memory: Record<string, string> = {};
let persistent = true;

/** Keep everything in memory only (cookieless mode). */
export const memoryOnly = (): void => {
  persistent = false;
};

const local = (): Storage | undefined => {
  try {
    return persistent ? localStorage : undefined;
  } catch {
    return undefined; // sandboxed iframes throw on mere access
  }
};

export const load = <T>(key: string): T | undefined => {
  try {
    const raw = key in memory ? memory[key] : local()!.getItem(key);
    return raw == null ? undefined : JSON.parse(raw);
  } catch {
    return undefined;
  }
};

/** Saves a value, or removes it when `value` is undefined; memory takes what storage refuses. */
export const save = (key: string, value?: unknown): void => {
  delete memory[key];
  try {
    value === undefined ? local()!.removeItem(key) : local()!.setItem(key, JSON.stringify(value));
  } catch {
    if (value !== undefined) memory[key] = JSON.stringify(value);
  }
};

/** Keys that start with `prefix`, from storage and memory. */
export const keys = (prefix: string): string[] => {
  const found = Object.keys(memory);
  try {
    const s = local()!;
    for (let i = 0; i < s.length; i++) found.push(s.key(i)!);
  } catch {}
  return [...new Set(found)].filter((k) => k.startsWith(prefix));
};
