// The IPC messages between a benchmark and a server it runs in a child process (bench/child.ts),
// so the server's CPU and memory can be read from /proc apart from the load generator's.

/** Sent by the child once it listens. */
export interface ReadyMessage {
  ready: true;
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
}

/** Sent by the parent to stop the server; the child exits after closing it. */
export const STOP = 'stop';

/** Runs `close` and exits when the parent says {@link STOP} or goes away. */
export function exitOnStop(close: () => Promise<void>): void {
  const stop = () =>
    void close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  process.on('message', (m) => m === STOP && stop());
  process.on('disconnect', stop);
}
