// The script-tag build: reads the tag's data-* attributes as options (same names: data-site,
// data-batch-size → batchSize, …), starts tracking, then replays in order the calls that the
// inline stub queued before this file loaded, and takes the stub's place as window.cjm.
import { init, method, type Method } from './api';
import type { Options } from './core/config';

type Api = Record<Method | 'init', (...args: any[]) => void>;
type Stub = { q?: [keyof Api, Iterable<unknown>][] };

const w = window as unknown as { cjm?: Stub | Api };
const stub = w.cjm as Stub | undefined;
// The same methods as index.ts exports, built from their names (fewer bytes than importing all).
const api = { init } as Api;
for (const name of 'track page identify stage feedback flush optOut optIn survey'.split(' ') as Method[])
  api[name] = method(name) as Api[Method];
w.cjm = api;
try {
  const script = document.currentScript as HTMLScriptElement;
  const o: Record<string, unknown> = { endpoint: new URL('/collect', script.src) + '' };
  // Text options stay text, even "123" (the collector refuses a number as site id); the others
  // are JSON (numbers, booleans, rules) or "" (a bare attribute: true). A malformed value
  // (data-batch-size="1.2.3") is left out, so its default applies, and never stops init.
  for (const [k, v] of Object.entries(script.dataset))
    try {
      o[k] = /^(site|endpoint|persona|search)$/.test(k) ? v : v ? JSON.parse(v) : true;
    } catch {}
  if (o.site) init(o as unknown as Options);
} catch {}
// Each call was queued with its `arguments`, which spread like an array.
for (const [name, args] of stub?.q || []) api[name]?.(...args);
