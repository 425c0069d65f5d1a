// Child process of shm-guard.test.ts: opens the SQLite store on argv[2], stores a batch, breaks
// the -shm as argv[3] says (`truncate`, or `immutable`: chattr +i on the db, -wal and -shm), then
// uses the store as the collector would and prints one JSON line per step. Without the guard the
// process dies of SIGBUS at the first step after the break (exit signal SIGBUS, no output).
import { execFileSync } from 'node:child_process';
import { truncateSync } from 'node:fs';
import { openSqliteStore } from '../../collector/store/sqlite/store';
import { row } from './fixtures';
import type { SqlStore } from '../../collector/store/types';

const [path, mode] = process.argv.slice(2) as [string, 'truncate' | 'immutable' | 'collector'];
const say = (step: string, value: unknown) => console.log(JSON.stringify({ step, value }));
const attempt = async (step: string, work: () => Promise<unknown>) => {
  try {
    say(step, { ok: await work() });
  } catch (err) {
    say(step, { error: (err as Error).message });
  }
};
const files = [path, `${path}-wal`, `${path}-shm`];

if (mode === 'collector') {
  // The collector with the journal: /collect keeps answering 202 while the -shm is immutable,
  // /health says why storing fails, and everything is stored once it is writable again.
  const { startServer } = await import('../../collector/node/server');
  const server = await startServer({
    port: 0,
    dbPath: path,
    adminToken: 'a'.repeat(32),
    journal: { dir: `${path}.journal` },
    print: () => {},
  });
  const send = async (id: string) =>
    (
      await fetch(`${server.url}/collect`, {
        method: 'POST',
        body: JSON.stringify({
          site: 'shop',
          sent: Date.now(),
          events: [{ id, type: 'pageview', name: '/', ts: Date.now() - 100, visitor: 'v', session: 's' }],
        }),
      })
    ).status;
  say('before', await send('a'));
  await server.folder!.drained();
  execFileSync('chattr', ['+i', ...files]);
  say('collect', await send('b'));
  // Until the fold (in its own thread, with its own connection and guard) has failed too.
  const read = async () => {
    const res = await fetch(`${server.url}/health`);
    return { status: res.status, body: (await res.json()) as { store?: string } };
  };
  let health = await read();
  for (const t = Date.now(); health.body.store !== 'failing' && Date.now() - t < 10_000; health = await read())
    await new Promise((r) => setTimeout(r, 50));
  say('health', health);
  execFileSync('chattr', ['-i', ...files]);
  await server.folder!.drained();
  say(
    'stored',
    (await (server.store as SqlStore).all('SELECT id FROM events ORDER BY id')).map((r) => r.id),
  );
  await server.close();
  process.exit(0);
}

const store = openSqliteStore(path, { readers: 1 }); // a reader thread maps the -shm too
await attempt('before', () => store.insert([row({ id: 'a' })]));
if (mode === 'truncate') truncateSync(`${path}-shm`, 0);
else execFileSync('chattr', ['+i', ...files]);
await attempt('insert', () => store.insert([row({ id: 'b' })]));
await attempt('read', () => store.all('SELECT COUNT(*) AS n FROM events'));
await attempt('probe', async () => store.probe?.());
if (mode === 'immutable') {
  execFileSync('chattr', ['-i', ...files]);
  await attempt('insert after repair', () => store.insert([row({ id: 'c' })]));
  await attempt('read after repair', () => store.all('SELECT id FROM events ORDER BY id'));
}
await store.close();
say('closed', true);
// As `npm start` does after close (collector/node/startup.ts): Node's teardown would otherwise
// close the connections left open over a broken -shm, and closing touches it (SIGBUS).
process.exit(0);
