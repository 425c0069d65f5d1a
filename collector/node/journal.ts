// The ingest journal (issue 16, Node): /collect appends each validated, enriched batch here and
// answers once it is on disk (fdatasync; the appends of concurrent requests share one write and
// one sync), and a single folder (collector/node/folder.ts) stores the batches in SQLite later,
// off the request path. Files: `<dir>/<first seq>.log` segments of one JSON line per batch
// (`{"seq":n,"at":ms,"rows":[…]}`), and `<dir>/folded`, the last seq the folder has stored (a
// hint: storing a batch again is harmless, the store skips what it has). A crash can leave a
// torn last line, never acknowledged; opening truncates it.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredEvent } from '../store/types';

/** One journaled batch. */
export interface JournalRecord {
  seq: number;
  /** When it was appended (epoch ms). */
  at: number;
  rows: StoredEvent[];
}

/** What the folder has not stored yet (GET /health `fold`). */
export interface JournalLag {
  batches: number;
  events: number;
  /** Age of the oldest batch waiting, ms (0 when none). */
  oldestMs: number;
  /** Bytes of the segments on disk, and the most they may hold. */
  bytes: number;
  maxBytes: number;
}

export interface JournalOptions {
  dir: string;
  /** Bytes of segments on disk at most (default 64 MB; the batches waiting are also held in memory, about 2–3× that at most); beyond, append() throws JournalFullError. */
  maxBytes?: number;
  /** Bytes after which a new segment starts (default 8 MB). */
  segmentBytes?: number;
  now?: () => number;
}

/** The journal holds `maxBytes` already: the batch is refused (503 + Retry-After). */
export class JournalFullError extends Error {}

export interface Journal {
  /** Appends a batch; resolves once it is on disk. */
  append(rows: readonly StoredEvent[]): Promise<void>;
  /** The batches not folded yet, oldest first (after open: those found on disk). */
  pending(): readonly JournalRecord[];
  /** Marks every batch up to `seq` as stored; deletes the segments wholly stored. */
  folded(seq: number): void;
  /** Resolves when a batch is appended (at once if one is waiting). */
  waitForRecords(): Promise<void>;
  lag(): JournalLag;
  close(): Promise<void>;
}

const pad = (n: number) => String(n).padStart(16, '0');
/** The `folded` hint is rewritten at most this often, ms (a rename per fold group cost 1 % of the main thread). */
const HINT_MS = 200;

/** Reads a segment's records, truncating a torn last line (a write the crash cut short). */
function readSegment(file: string): JournalRecord[] {
  const text = readFileSync(file, 'utf8');
  const out: JournalRecord[] = [];
  let good = 0;
  for (let start = 0; start < text.length;) {
    const end = text.indexOf('\n', start);
    if (end < 0) break; // no newline: torn
    try {
      out.push(JSON.parse(text.slice(start, end)) as JournalRecord);
    } catch {
      break; // a torn line; nothing after it was acknowledged either
    }
    start = good = end + 1;
  }
  if (Buffer.byteLength(text.slice(0, good)) !== Buffer.byteLength(text)) truncateSync(file, Buffer.byteLength(text.slice(0, good)));
  return out;
}

/**
 * Opens (creating) the journal in `dir` and reads what it holds that is not folded yet.
 * @example const journal = await openJournal({ dir: './data/journal' });
 */
export async function openJournal(options: JournalOptions): Promise<Journal> {
  const { dir } = options;
  const maxBytes = options.maxBytes ?? 64 * 2 ** 20;
  const segmentBytes = options.segmentBytes ?? 8 * 2 ** 20;
  const now = options.now ?? Date.now;
  mkdirSync(dir, { recursive: true });
  const foldedFile = join(dir, 'folded');
  let foldedSeq = 0;
  let hintAt = -Infinity;
  let hinted = 0;
  const writeHint = () => {
    if (hinted === foldedSeq) return;
    writeFileSync(`${foldedFile}.tmp`, String(foldedSeq));
    renameSync(`${foldedFile}.tmp`, foldedFile);
    hinted = foldedSeq;
    hintAt = now();
  };
  try {
    foldedSeq = hinted = Number(readFileSync(foldedFile, 'utf8')) || 0;
  } catch {
    // first start
  }

  // Segments on disk: name = first seq; kept until every record in them is folded.
  type Segment = { first: number; last: number; file: string; bytes: number };
  const segments: Segment[] = [];
  const pendingRecords: JournalRecord[] = [];
  let nextSeq = foldedSeq + 1;
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.log'))
    .sort()) {
    const file = join(dir, name);
    const records = readSegment(file);
    const first = Number(name.slice(0, -4));
    const last = records.length ? records[records.length - 1]!.seq : first - 1;
    if (last <= foldedSeq) {
      rmSync(file, { force: true });
      continue;
    }
    segments.push({ first, last, file, bytes: Buffer.byteLength(readFileSync(file)) });
    for (const r of records) if (r.seq > foldedSeq) pendingRecords.push(r);
    nextSeq = Math.max(nextSeq, last + 1);
  }
  let bytesOnDisk = segments.reduce((n, s) => n + s.bytes, 0);

  let current: { handle: FileHandle; segment: Segment } | null = null;
  const startSegment = async () => {
    const file = join(dir, `${pad(nextSeq)}.log`);
    const segment: Segment = { first: nextSeq, last: nextSeq - 1, file, bytes: 0 };
    segments.push(segment);
    current = { handle: await open(file, 'a'), segment };
    // The new file's name must survive a crash too: sync the directory once.
    const d = openSync(dir, 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  };

  type Waiting = { line: Buffer; record: JournalRecord; resolve: () => void; reject: (e: unknown) => void };
  let queue: Waiting[] = [];
  let writing = false;
  let reserved = 0; // bytes queued but not written yet (counted against maxBytes)
  let wake: (() => void) | null = null;

  /** Writes everything queued with one write and one fdatasync, then answers those appends. */
  const flush = async () => {
    writing = true;
    while (queue.length) {
      const group = queue;
      queue = [];
      try {
        if (!current || current.segment.bytes >= segmentBytes) {
          if (current) await current.handle.close();
          await startSegment();
        }
        const c = current!;
        const lines = group.map((w) => w.line);
        const bytes = lines.reduce((n, b) => n + b.length, 0);
        await c.handle.writev(lines);
        await c.handle.datasync();
        c.segment.bytes += bytes;
        c.segment.last = group[group.length - 1]!.record.seq;
        bytesOnDisk += bytes;
        reserved -= bytes;
        for (const w of group) pendingRecords.push(w.record);
        for (const w of group) w.resolve();
        wake?.();
      } catch (err) {
        reserved -= group.reduce((n, w) => n + w.line.length, 0);
        for (const w of group) w.reject(err);
        // The file may now end in a partial line: start a new segment for what comes next.
        if (current) await current.handle.close().catch(() => {});
        current = null;
      }
    }
    writing = false;
  };

  return {
    append(rows) {
      const record: JournalRecord = { seq: nextSeq, at: now(), rows: [...rows] };
      // Encoded once, here: the flush writes these bytes as they are.
      const line = Buffer.from(`{"seq":${record.seq},"at":${record.at},"rows":${JSON.stringify(rows)}}\n`);
      if (bytesOnDisk + reserved + line.length > maxBytes) {
        return Promise.reject(new JournalFullError(`ingest journal full (${bytesOnDisk + reserved} of ${maxBytes} bytes)`));
      }
      nextSeq++;
      reserved += line.length;
      return new Promise<void>((resolve, reject) => {
        queue.push({ line, record, resolve, reject });
        if (!writing) void flush();
      });
    },

    pending: () => pendingRecords,

    folded(seq) {
      let n = 0;
      while (n < pendingRecords.length && pendingRecords[n]!.seq <= seq) n++;
      pendingRecords.splice(0, n);
      foldedSeq = Math.max(foldedSeq, seq);
      // Written, not synced, and at most every HINT_MS (and at close): after a crash an older
      // value only means storing some batches again, which the store skips.
      if (now() - hintAt >= HINT_MS) writeHint();
      while (segments.length && segments[0]!.last <= foldedSeq && segments[0] !== current?.segment) {
        const s = segments.shift()!;
        rmSync(s.file, { force: true });
        bytesOnDisk -= s.bytes;
      }
    },

    waitForRecords() {
      if (pendingRecords.length) return Promise.resolve();
      return new Promise<void>((resolve) => {
        wake = () => {
          wake = null;
          resolve();
        };
      });
    },

    lag() {
      const events = pendingRecords.reduce((n, r) => n + r.rows.length, 0);
      return {
        batches: pendingRecords.length,
        events,
        oldestMs: pendingRecords.length ? Math.max(0, now() - pendingRecords[0]!.at) : 0,
        bytes: bytesOnDisk,
        maxBytes,
      };
    },

    async close() {
      while (writing) await new Promise((r) => setTimeout(r, 1));
      try {
        writeHint();
      } catch {
        // only a hint: without it the next start stores some batches again
      }
      if (current) await current.handle.close();
      current = null;
      wake?.();
    },
  };
}
