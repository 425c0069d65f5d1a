// Issue 17.6: making the database's -shm unwritable (chattr +i on the db, -wal and -shm, as
// root can) or truncating it under a running collector killed the process with SIGBUS and no
// log line (reproduced: exit by SIGBUS at the next write). With the guard (store/sqlite/shm-guard.ts)
// the store refuses every call with an error naming the file and the cause, the process lives,
// and once the file is writable again the store works again. Run in a child process, so a
// SIGBUS would fail this test instead of killing the test runner.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers';

const tmp = tempDir();
afterAll(tmp.cleanup);
const CHILD = fileURLToPath(new URL('./shm-child.ts', import.meta.url));

function run(mode: 'truncate' | 'immutable' | 'collector', name: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, join(tmp.dir, name), mode], { encoding: 'utf8', timeout: 60_000 });
  const steps = Object.fromEntries(
    r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { step: string; value: unknown })
      .map((s) => [s.step, s.value]),
  );
  return { signal: r.signal, status: r.status, stderr: r.stderr, steps };
}

/** Whether chattr +i works here (root on a file system with the flag, e.g. ext4). */
function immutableSupported(): boolean {
  const probe = join(tmp.dir, 'chattr-probe');
  spawnSync('touch', [probe]);
  const ok = spawnSync('chattr', ['+i', probe]).status === 0;
  if (ok) spawnSync('chattr', ['-i', probe]);
  return ok;
}

describe('the -shm file breaking under a running store (no SIGBUS)', () => {
  it('truncated: every call fails naming the file and "restart", the process lives and exits normally', () => {
    const r = run('truncate', 't.db');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.steps.before).toEqual({ ok: { inserted: 1, duplicates: 0 } });
    for (const step of ['insert', 'read', 'probe'])
      expect((r.steps[step] as { error: string }).error).toMatch(/-shm file was truncated \(0 of \d+ bytes\).*restart it/);
    expect(r.steps.closed).toBe(true);
    expect(r.stderr).toMatch(/cjm: SQLite database .*t\.db: the database's -shm file was truncated .*\(.*t\.db-shm\)/);
    // /health is public: the probe's error does not name the file.
    expect((r.steps.probe as { error: string }).error).not.toContain(tmp.dir);
  });

  it.runIf(immutableSupported())('made immutable (chattr +i): calls fail naming the cause, then work again once it is writable', () => {
    const r = run('immutable', 'i.db');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    for (const step of ['insert', 'read', 'probe'])
      expect((r.steps[step] as { error: string }).error).toMatch(/-shm file is not writable \((EPERM|EACCES)/);
    expect(r.steps['insert after repair']).toEqual({ ok: { inserted: 1, duplicates: 0 } });
    expect(r.steps['read after repair']).toEqual({ ok: [{ id: 'a' }, { id: 'c' }] });
    expect(r.stderr).toMatch(/is writable again/);
  });

  it.runIf(immutableSupported())(
    'the collector with the journal: 202 while the -shm is immutable, /health 503 with the cause, all stored once it is writable',
    () => {
      const r = run('collector', 'c.db');
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      expect(r.steps.before).toBe(202);
      expect(r.steps.collect).toBe(202);
      const health = r.steps.health as { status: number; body: { ok: boolean; store: string; storeError: string } };
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ ok: false, store: 'failing', storeError: expect.stringMatching(/-shm file is not writable/) });
      expect(JSON.stringify(health.body)).not.toContain(tmp.dir);
      expect(r.steps.stored).toEqual(['a', 'b']);
    },
  );
});
