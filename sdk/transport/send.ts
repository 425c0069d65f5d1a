// One POST of a batch. A string body is sent as `text/plain`, which keeps it a simple CORS request (no preflight); keepalive
// lets it outlive the page. sendBeacon is the fallback where fetch is missing or refuses.
/** Called with the HTTP status (0 = network error) and the Retry-After seconds. */
export type OnReply = (status: number, retryAfter: number) => void;

export const post = (url: string, body: unknown, done: OnReply): void => {
  const data = JSON.stringify(body);
  try {
    fetch(url, { method: 'POST', body: data, keepalive: true }).then(
      (r) => done(r.status, +r.headers.get('Retry-After')! || 0),
      () => done(0, 0),
    );
  } catch {
    // A beacon gets no reply: its events stay leased and are resent later unless something
    // removes them first; the collector stores each id once.
    navigator.sendBeacon(url, data);
  }
};
