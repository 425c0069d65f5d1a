// Restaging on D1 in workerd (test/collector/restage-contract.ts, also run on SQLite): the store
// method on a local D1 and the admin route through the real Worker.
import { env, exports } from 'cloudflare:workers';
import { openD1Store } from '../../collector/store/sqlite/d1';
import { runRestageContract } from '../collector/restage-contract';

runRestageContract('d1', async () => ({
  store: openD1Store(env.DB),
  now: Date.now(),
  db: {
    async run(statements) {
      await env.DB.batch(statements.map(({ sql, params }) => env.DB.prepare(sql).bind(...params)));
    },
    async all(sql) {
      return (await env.DB.prepare(sql).all<Record<string, unknown>>()).results;
    },
  },
  collect: (body, headers) =>
    exports.default.fetch('http://cjm.test/collect', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'text/plain', ...headers, Authorization: `Bearer ${env.CJM_ADMIN_TOKEN}` },
    }),
  api: (path, init = {}, auth = true) =>
    exports.default.fetch(`http://cjm.test${path}`, { ...init, headers: auth ? { Authorization: `Bearer ${env.CJM_ADMIN_TOKEN}` } : {} }),
}));
