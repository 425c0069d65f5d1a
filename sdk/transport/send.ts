// One POST of a batch. `text/plain` keeps it a simple CORS request (no preflight); keepalive
// lets it outlive the page. sendBeacon is the fallback where fetch is missing or refuses.
/** Called with the HTTP status (0 = network error or no answer) and Retry-After seconds. */
export type OnReply = (status: number, retryAfter: number) => void;

export const post = (url: string, body: unknown, done: OnReply): void => {
  const data = JSON.stringify(body);
  try {
    fetch(url, { method: 'POST', body: data, keepalive: true, headers: { 'Content-Type': 'text/plain' } }).then(
      (r) => done(r.status, +(r.headers.get('Retry-After') || 0) || 0),
      () => done(0, 0),
    );
  } catch {
    // No reply will come from a beacon: the events stay leased and are resent (deduplicated
    // by id at the collector) if nothing removes them first.
    try {
      navigator.sendBeacon(url, data);
    } catch {}
  }
};
