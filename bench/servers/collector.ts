// The real collector for the Node load benchmarks (child process): startServer() from
// collector/node/server.ts on the SQLite file given as argv[2], the same code path as `npm start`;
// with the ingest journal in the folder argv[3] when given (CJM_JOURNAL).
import { startServer } from '../../collector/node/server';
import { exitOnStop, type ReadyMessage } from './protocol';

const dbPath = process.argv[2];
if (!dbPath) throw new Error('usage: collector.ts <sqlite file> [journal folder]');
const journalDir = process.argv[3];

// All load comes from one loopback client, which the default per-client limit (meant for one
// browser) would refuse within a second. Limits this high keep the limiter in the request path,
// so its cost is measured, without ever refusing. The daily quota per site would stop the
// sustained run; it is off.
const unlimited = { limit: 1e12, windowMs: 60_000 };
const server = await startServer({
  port: 0,
  dbPath,
  adminToken: 'bench-admin-token-0123456789abcdef',
  rateLimits: { client: unlimited, site: unlimited, ip: unlimited },
  quotas: { siteDailyEvents: null },
  ...(journalDir ? { journal: { dir: journalDir } } : {}),
  print: () => {},
});
process.send!({ ready: true, url: server.url } satisfies ReadyMessage);
exitOnStop(() => server.close());
