// A fault-injecting HTTP proxy for the delivery e2e tests: it sits between the page and the
// real collector and, depending on its mode, passes requests through or breaks every other
// one the way real networks and overloaded collectors do. It records every batch it forwarded,
// so a test can tell which event ids reached the collector and how often.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * - `pass`: forward everything.
 * - `503` / `429`: every other request gets that status (with Retry-After) and is not forwarded.
 * - `drop`: every other request has its connection destroyed before it is forwarded.
 * - `drop-reply`: every other request is forwarded (so it is stored) but its connection is
 *   destroyed instead of answering: the sender never learns that it was delivered.
 * - `hold`: requests wait (in flight) until the mode changes, then are handled by the new mode.
 * - `down`: every connection is destroyed at once.
 */
export type FaultMode = 'pass' | '503' | '429' | 'drop' | 'drop-reply' | 'hold' | 'down';

/** A POST /collect the proxy saw: when, its event ids, and what happened to it. */
export interface SeenBatch {
  at: number;
  mode: FaultMode;
  ids: string[];
  /** Status the page was sent; 0 when its connection was destroyed. */
  status: number;
  /** True when the collector received it. */
  forwarded: boolean;
}

export interface ModeCounts {
  requests: number;
  faulted: number;
  forwarded: number;
}

export interface FaultProxy {
  url: string;
  mode: FaultMode;
  setMode(mode: FaultMode): void;
  /** Requests per mode they arrived in. */
  counts: Partial<Record<FaultMode, ModeCounts>>;
  /** Every POST /collect, in arrival order. */
  batches: SeenBatch[];
  /** Requests waiting in `hold` mode. */
  held(): number;
  /** Requests not answered yet (held or being forwarded). */
  inFlight(): number;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** The collector's base URL, e.g. http://127.0.0.1:40123. */
  target: string;
  /** Retry-After seconds on injected 503 and 429 replies. Default 1. */
  retryAfter?: number;
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((ok, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => ok(Buffer.concat(chunks)));
    req.on('error', fail);
  });

const idsOf = (body: Buffer): string[] => {
  try {
    const batch = JSON.parse(body.toString()) as { events?: { id?: unknown }[] };
    return (batch.events ?? []).map((e) => String(e.id));
  } catch {
    return [];
  }
};

/**
 * Starts the proxy on 127.0.0.1 (ephemeral port).
 * @example
 * const proxy = await startFaultProxy({ target: collector.url });
 * proxy.setMode('503'); // the page's endpoint is `${proxy.url}/collect`
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = options.target.replace(/\/$/, '');
  const retryAfter = String(options.retryAfter ?? 1);
  // Injected errors carry the CORS headers the real collector sends with its own errors, so
  // the page can read them (and Retry-After) exactly as far as it could in production.
  const probe = await fetch(`${target}/collect`, { method: 'POST', headers: { Origin: 'http://probe.invalid' }, body: '{}' });
  const cors: Record<string, string> = {};
  probe.headers.forEach((v, k) => {
    if (k.startsWith('access-control-')) cors[k] = v;
  });
  await probe.arrayBuffer();

  const sockets = new Set<Socket>();
  const waiting: (() => void)[] = [];
  let pending = 0;
  let sinceSwitch = 0; // requests since the mode last changed: the parity of "every other"

  const proxy: FaultProxy = {
    url: '',
    mode: 'pass',
    counts: {},
    batches: [],
    setMode(mode) {
      proxy.mode = mode;
      sinceSwitch = 0;
      if (mode === 'down') for (const s of sockets) s.destroy();
      if (mode !== 'hold') waiting.splice(0).forEach((resume) => resume());
    },
    held: () => waiting.length,
    inFlight: () => pending,
    close: () =>
      new Promise<void>((done) => {
        waiting.splice(0);
        server.close(() => done());
        server.closeAllConnections();
      }),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    while (proxy.mode === 'hold') await new Promise<void>((resume) => waiting.push(resume));
    const mode = proxy.mode;
    const counts = (proxy.counts[mode] ??= { requests: 0, faulted: 0, forwarded: 0 });
    counts.requests++;
    const n = ++sinceSwitch;
    const isBatch = req.method === 'POST' && req.url?.startsWith('/collect');
    const seen: SeenBatch | undefined = isBatch ? { at: Date.now(), mode, ids: idsOf(body), status: 0, forwarded: false } : undefined;
    if (seen) proxy.batches.push(seen);
    // Odd requests (the 1st, 3rd, …) are the faulty ones, so every first attempt fails.
    const fault = mode === 'down' || (mode !== 'pass' && n % 2 === 1);
    if (fault) counts.faulted++;

    if (fault && (mode === 'down' || mode === 'drop')) {
      req.socket.destroy();
      return;
    }
    if (fault && (mode === '503' || mode === '429')) {
      if (seen) seen.status = +mode;
      res.writeHead(+mode, { ...cors, 'Content-Type': 'application/json', 'Retry-After': retryAfter });
      res.end(JSON.stringify({ error: mode === '429' ? 'too many requests (injected)' : 'storage unavailable (injected)' }));
      return;
    }

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
    const reply = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : new Uint8Array(body),
    });
    const replyBody = Buffer.from(await reply.arrayBuffer());
    counts.forwarded++;
    if (seen) seen.forwarded = true;
    if (fault && mode === 'drop-reply') {
      req.socket.destroy();
      return;
    }
    if (seen) seen.status = reply.status;
    const out: Record<string, string> = {};
    reply.headers.forEach((v, k) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(k)) out[k] = v;
    });
    res.writeHead(reply.status, out);
    res.end(replyBody);
  };

  const server = createServer((req, res) => {
    pending++;
    handle(req, res)
      .catch(() => {
        if (!res.headersSent) res.writeHead(502).end();
      })
      .finally(() => pending--);
  });
  server.on('connection', (socket) => {
    if (proxy.mode === 'down') {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
