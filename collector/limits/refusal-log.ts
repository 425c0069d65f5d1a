// What /collect refused (site or origin not accepted, rate limited, bad batches) and the events it
// stored as bots, summarised in the collector's log at most once a minute: the first at once,
// so a developer sees it while testing, then the rest of the minute as counts per reason.
// Without it these show only in the browser's network tab, or (bots) nowhere at all.

/** Where refusals are counted; see {@link createRefusalLog}. */
export interface RefusalLog {
  /** Counts `n` occurrences of `reason` (a short text; equal texts are summed). */
  record(reason: string, n?: number): void;
  /** Prints what was counted since the last line, if anything. */
  flush(): void;
}

export interface RefusalLogOptions {
  /** Where the summary lines go. Default console.warn. */
  print?: (line: string) => void;
  /** Clock, epoch ms. */
  now?: () => number;
  /** At most one line per this many ms (default 60 000). */
  windowMs?: number;
  /** Runs `fn` after `ms` (default: an unref'd setTimeout, so it never keeps Node running). */
  schedule?: (fn: () => void, ms: number) => void;
}

/** Reasons listed in one line; the rest are summed up as "other reasons". */
const MAX_REASONS = 8;

const defaultSchedule = (fn: () => void, ms: number) => {
  const t: unknown = setTimeout(fn, ms);
  (t as { unref?: () => void }).unref?.();
};

/**
 * A refusal log that prints one line per minute at most.
 * @example
 * const refusals = createRefusalLog();
 * refusals.record('403 origin "http://localhost:8080" may not send events of site "shop" (see CJM_ORIGINS)');
 * // cjm: /collect refused 1 request: 403 origin "http://localhost:8080" may not send … (next summary in a minute at most)
 */
export function createRefusalLog(options: RefusalLogOptions = {}): RefusalLog {
  const print = options.print ?? ((line: string) => console.warn(line));
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? 60_000;
  const schedule = options.schedule ?? defaultSchedule;
  const counts = new Map<string, number>();
  let printedAt = -Infinity;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    if (!counts.size) return;
    const all = [...counts].sort((a, b) => b[1] - a[1]);
    counts.clear();
    const listed = all.slice(0, MAX_REASONS).map(([reason, n]) => `${n} × ${reason}`);
    const others = all.slice(MAX_REASONS).reduce((sum, [, n]) => sum + n, 0);
    if (others) listed.push(`${others} × other reasons`);
    const first = printedAt === -Infinity;
    printedAt = now();
    print(
      `cjm: /collect since ${first ? 'start' : 'the last summary'}: ${listed.join('; ')}${first ? ' (repeats are summed up once a minute)' : ''}`,
    );
  };

  return {
    record(reason, n = 1) {
      counts.set(reason, (counts.get(reason) ?? 0) + n);
      const wait = printedAt + windowMs - now();
      if (wait <= 0) flush();
      else if (!scheduled) {
        scheduled = true;
        schedule(flush, wait);
      }
    },
    flush,
  };
}

/** The reason of a refused request: status and message, without the changing "retry in N s". */
export const refusalReason = (status: number, message: string): string =>
  `refused ${status}: ${message.replace(/; retry in \d+ s$/, '').slice(0, 200)}`;
