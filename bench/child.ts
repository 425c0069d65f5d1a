// Runs a benchmark server (bench/servers/*.ts) in its own Node process, so its CPU time and
// memory come from /proc/<pid> apart from the load generator's, which runs in this process.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STOP, type ReadyMessage } from './servers/protocol';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const SAMPLE_MS = 250;

/** A server running in a child process. */
export interface ServerProcess {
  pid: number;
  url: string;
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): number;
  /** Current resident set size, bytes. */
  rssBytes(): number;
  /** Peak resident set size so far (the kernel's VmHWM, re-read every 250 ms and at stop), bytes. */
  peakRssBytes(): number;
  /** Asks the server to close and waits until the process has exited. */
  stop(): Promise<void>;
}

/** Reads one `VmXxx:   123 kB` line of /proc/<pid>/status, in bytes (NaN when unreadable). */
function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN; // the process has exited
  }
}

/** utime + stime of /proc/<pid>/stat, in seconds. */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // stat(5) fields 14, 15; USER_HZ = 100
}

/**
 * Starts `bench/servers/<name>.ts` with tsx's loader in a child Node process and waits until it
 * listens.
 * @example const server = await startServerProcess('collector', [dbFile]); … await server.stop();
 */
export async function startServerProcess(name: 'collector' | 'bare' | 'floor' | 'validate', args: string[] = []): Promise<ServerProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL(`./servers/${name}.ts`, import.meta.url)), args, {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${name} server: not listening after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    child.once('message', (m) => {
      clearTimeout(timer);
      ok((m as ReadyMessage).url);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`${name} server exited with code ${code} before listening`));
    });
  }).catch((err: unknown) => {
    child.kill();
    throw err;
  });
  const pid = child.pid!;

  // VmHWM is already a peak; sampling it keeps the last value seen if the process dies early.
  let peak = statusBytes(pid, 'VmHWM');
  const sample = () => {
    const hwm = statusBytes(pid, 'VmHWM');
    if (hwm > peak || !(peak > 0)) peak = hwm;
  };
  const sampler = setInterval(sample, SAMPLE_MS);

  return {
    pid,
    url,
    cpuSeconds: () => cpuSecondsOf(pid),
    rssBytes: () => statusBytes(pid, 'VmRSS'),
    peakRssBytes: () => (sample(), peak),
    async stop() {
      sample();
      clearInterval(sampler);
      if (child.exitCode === null && child.signalCode === null) child.send(STOP);
      const code = await Promise.race([exited, new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), 30_000))]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        throw new Error(`${name} server did not exit within 30 s of being asked to stop`);
      }
      if (code !== 0) throw new Error(`${name} server exited with code ${code}`);
    },
  };
}
