// Streams stored rows as NDJSON (one JSON object a line), in chunks, with backpressure: the
// next page is read from the store only when the client has taken the previous one.
import type { StoredEvent } from '../store/types';

/** One line of an events export. Absent values are `null`, so every line has every key. */
export interface ExportedEvent {
  id: string;
  site: string;
  type: string;
  name: string;
  ts: number;
  time: number;
  received: number;
  visitor: string | null;
  session: string | null;
  user: string | null;
  path: string | null;
  url: string | null;
  title: string | null;
  referrer: string | null;
  stage: string | null;
  /** True when the collector inferred the stage, false when the page set it; null before migration 0008. */
  stage_inferred: boolean | null;
  /** Page type the SDK read from the page's markup (product, list, article, faq, cart, checkout). */
  hint: string | null;
  touchpoint: string | null;
  channel: string | null;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  term: string | null;
  /** Landing page path of the event's session. */
  landing: string | null;
  persona: string | null;
  /** Order id of a purchase. */
  txn: string | null;
  props: Record<string, unknown> | null;
  device: string | null;
  browser: string | null;
  os: string | null;
  country: string | null;
  bot: boolean;
}

/** Maps a stored row to its export shape (wire names, parsed props, boolean bot). */
export function toExportedEvent(r: StoredEvent): ExportedEvent {
  return {
    id: r.id,
    site: r.site,
    type: r.type,
    name: r.name,
    ts: r.ts,
    time: r.time,
    received: r.received,
    visitor: r.visitor,
    session: r.session,
    user: r.user_id,
    path: r.path,
    url: r.url,
    title: r.title,
    referrer: r.referrer,
    stage: r.stage,
    stage_inferred: r.stage_inferred === null || r.stage_inferred === undefined ? null : r.stage_inferred === 1,
    hint: r.hint ?? null,
    touchpoint: r.touchpoint,
    channel: r.channel,
    source: r.source,
    medium: r.medium,
    campaign: r.campaign,
    content: r.content,
    term: r.term,
    landing: r.landing,
    persona: r.persona,
    txn: r.txn,
    props: r.props === null ? null : (JSON.parse(r.props) as Record<string, unknown>),
    device: r.device,
    browser: r.browser,
    os: r.os,
    country: r.country,
    bot: r.bot === 1,
  };
}

/** Bytes gathered before a chunk is handed to the client. */
const CHUNK_CHARS = 32 * 1024;

/**
 * An NDJSON byte stream of `rows`. Reads the first row before returning, so a failing store
 * rejects here (and can still get a proper error status) instead of cutting the body short.
 * A failure later aborts the stream; `onError` hears of it.
 * @example new Response(await ndjsonStream(store.exportEvents('shop'), toExportedEvent))
 */
export async function ndjsonStream<T>(
  rows: AsyncIterable<T>,
  toLine: (row: T) => unknown,
  onError: (error: unknown) => void = () => {},
): Promise<ReadableStream<Uint8Array>> {
  const it = rows[Symbol.asyncIterator]();
  let pending: IteratorResult<T> | undefined = await it.next();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        let text = '';
        while (text.length < CHUNK_CHARS) {
          const r = pending ?? (await it.next());
          pending = undefined;
          if (r.done) {
            if (text) controller.enqueue(encoder.encode(text));
            controller.close();
            return;
          }
          text += `${JSON.stringify(toLine(r.value))}\n`;
        }
        controller.enqueue(encoder.encode(text));
      } catch (err) {
        onError(err);
        controller.error(err);
      }
    },
    async cancel() {
      await it.return?.();
    },
  });
}
