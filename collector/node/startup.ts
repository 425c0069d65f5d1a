// `npm start` (after scripts/start.mjs has checked the Node version): reads and checks every
// variable, checks that the port is free and the database path usable, builds the SDK and
// dashboard only when dist/ is missing or stale, then starts the collector. Everything that can
// be wrong is found in the first second, before the build, with a message saying what to change.
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startServer } from './server';
import { buildIfStale } from './build-state';
import { prepareDataDir } from './data-dir';
import { startOptionsFromEnv } from './env-options';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Why listening on host:port would fail, in words naming PORT or HOST, or null when it is free.
 * @example await portProblem('127.0.0.1', 8787) // 'port 8787 on 127.0.0.1 is already in use …'
 */
export function portProblem(host: string, port: number): Promise<string | null> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => done(listenProblem(err, host, port)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => done(null)));
  });
}

/** The message for a failed listen (EADDRINUSE and friends), naming the variable to change. */
export function listenProblem(err: NodeJS.ErrnoException, host: string, port: number): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use (another cjm collector or \`npm run dev:worker\`?): stop it, or start on another port, e.g. PORT=${port === 65535 ? 8788 : port + 1} npm start`;
    case 'EACCES':
      return `port ${port} needs privileges this user lacks: use a port above 1023, e.g. PORT=8787 npm start`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST ${JSON.stringify(host)} is not an address of this machine (${err.code}): use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`;
    default:
      return `cannot listen on ${host}:${port}: ${err.message}`;
  }
}

/** Checks, builds if needed (unless `build: false`), starts; stops on SIGINT/SIGTERM. */
export async function main(env: NodeJS.ProcessEnv, { build: mayBuild = true } = {}): Promise<void> {
  // Signals are handled from the start: a stop asked for while starting closes what was opened.
  let close: (() => Promise<void>) | undefined;
  let stopAsked = false;
  const stop = () => {
    stopAsked = true;
    if (close) void close().then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stop);

  const { options, warnings } = startOptionsFromEnv(env);
  for (const w of warnings) console.warn(`cjm: warning: ${w}`);
  prepareDataDir(options.dbPath);
  if (options.port !== 0) {
    const problem = await portProblem(options.host, options.port);
    if (problem) throw new Error(problem);
  }
  if (mayBuild) buildIfStale(ROOT);
  try {
    ({ close } = await startServer(options));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.syscall === 'listen') throw new Error(listenProblem(e, options.host, options.port), { cause: err });
    throw err;
  }
  if (stopAsked) stop();
}
