// Drives POST /collect with autocannon over loopback for a fixed time, one fresh 20-event batch
// per request, and counts what the server answered: statuses, and the events it accepted.
import autocannon from 'autocannon';
import { BATCH_EVENTS, BATCH_HEADERS, batchBodies } from './batch';

/** Options of {@link loadCollect}. */
export interface LoadOptions {
  /** Base URL of the server. */
  url: string;
  durationS: number;
  connections: number;
  /** Makes event ids of this run unique (letters and digits). */
  runKey: string;
  /** Called once a second with the requests answered so far (for per-window figures). */
  onTick?: (answered: number) => void;
}

/** What one load run measured. */
export interface LoadFigures {
  durationS: number;
  connections: number;
  /** Requests answered (any status). */
  requests: number;
  requestsPerS: number;
  /** Events in 2xx-answered requests, per second. */
  eventsPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers that were not 2xx. */
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Count per status code. */
  statuses: Record<string, number>;
  /** Sum of `accepted` in 202 answers (0 for a server that answers 204 without a body). */
  accepted: number;
  /** Sum of `duplicates` in 202 answers: must stay 0, every id is new. */
  duplicates: number;
  /**
   * Batches (their id keys) whose answer had not arrived when the time was up: autocannon drops
   * those connections, so the server may or may not have stored them (never acknowledged).
   */
  unanswered: string[];
}

/** autocannon's per-connection context: the batch this connection is waiting for. */
interface ConnectionState {
  key?: string;
  answered?: boolean;
}

/**
 * Loads `${url}/collect` for `durationS` seconds.
 * @example const figures = await loadCollect({ url, durationS: 10, connections: 10, runKey: 'a1' });
 */
export async function loadCollect(options: LoadOptions): Promise<LoadFigures> {
  const nextBody = batchBodies(options.runKey);
  const statuses: Record<string, number> = {};
  let answered = 0;
  let ok = 0;
  let accepted = 0;
  let duplicates = 0;
  const connections = new Set<ConnectionState>();
  const opts: autocannon.Options = {
    url: `${options.url}/collect`,
    method: 'POST',
    connections: options.connections,
    duration: options.durationS,
    headers: BATCH_HEADERS,
    requests: [
      {
        method: 'POST',
        // With pipelining 1, a connection builds its next request only after the previous
        // answer, so the context names the batch in flight.
        setupRequest: (req, context: ConnectionState) => {
          const next = nextBody();
          context.key = next.key;
          context.answered = false;
          connections.add(context);
          return { ...req, body: next.body };
        },
        onResponse: (status, body, context: ConnectionState) => {
          context.answered = true;
          answered++;
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status >= 200 && status < 300) ok++;
          if (status === 202) {
            const reply = JSON.parse(body) as { accepted: number; duplicates: number };
            accepted += reply.accepted;
            duplicates += reply.duplicates;
          }
        },
      },
    ],
  };
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
  if (options.onTick) instance.on('tick', () => options.onTick!(answered));
  const result = await done;
  return {
    durationS: options.durationS,
    connections: options.connections,
    requests: answered,
    requestsPerS: answered / options.durationS,
    eventsPerS: (ok * BATCH_EVENTS) / options.durationS,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: answered - ok,
    errors: result.errors + result.timeouts,
    statuses,
    accepted,
    duplicates,
    unanswered: [...connections].filter((c) => !c.answered && c.key).map((c) => c.key!),
  };
}
