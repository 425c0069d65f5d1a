// The script-tag build: reads the tag's data-* attributes, starts tracking, then replays the
// calls the inline stub queued before this file loaded — in order — and replaces the stub.
import * as api from './index';
import { guard } from './lib/lifecycle';

guard(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const data = script?.dataset || {};
  const stub = (window as any).cjm as { q?: [string, ArrayLike<unknown>][] } | undefined;
  (window as any).cjm = api;
  const options: Record<string, unknown> = { site: data.site };
  if (data.endpoint || script?.src) options.endpoint = data.endpoint || new URL(script!.src).origin + '/collect';
  if (data.hash != null) options.hash = true;
  if (data.site) api.init(options as any);
  for (const [name, args] of stub?.q || []) (api as any)[name]?.(...Array.from(args));
})();
