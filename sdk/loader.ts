// The script-tag build: reads the tag's data-* attributes as options (same names: data-site,
// data-batch-size → batchSize, …), starts tracking, then replays in order the calls that the
// inline stub queued before this file loaded, and takes the stub's place as window.cjm.
import * as api from './index';
import type { Options } from './core/config';

type Stub = { q?: [keyof typeof api, ArrayLike<unknown>][] };

const w = window as unknown as { cjm?: Stub | typeof api };
const stub = w.cjm as Stub | undefined;
w.cjm = api;
try {
  const script = document.currentScript as HTMLScriptElement;
  const o: Record<string, unknown> = { endpoint: new URL(script.src).origin + '/collect' };
  // "" (a bare attribute) is true; numbers, booleans and JSON rules are parsed; the rest is text.
  for (const [k, v] of Object.entries(script.dataset)) o[k] = v == '' || (/^([\d.]+|true|false|[[{].*)$/s.test(v!) ? JSON.parse(v!) : v);
  if (o.site) api.init(o as unknown as Options);
} catch {}
for (const [name, args] of stub?.q || []) api[name]?.(...(Array.from(args) as []));
