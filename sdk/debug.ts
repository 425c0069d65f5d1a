// Debug mode (data-debug / init({ debug: true })): says in the console why events do not reach
// the report — the collector refused a batch (site or origin not allowed, invalid, rate limited),
// the batch could not be sent, this browser has opted out, or it looks like a bot to the
// collector (headless, automated), whose events are stored but left out of the report. A lazy
// chunk of its own (cjm-debug.mjs, loaded by capture only in debug mode): 0 bytes otherwise.
// Do-Not-Track / GPC is said by cjm.js itself, as capture never loads then.
import type { Tracker } from './tracker-types';

const say = (...a: unknown[]) => console.warn('cjm debug:', ...a);

/** Watches what this page sends to the collector, and says what will keep events out of the report. */
export const startDebug = (t: Tracker): void => {
  const endpoint = new URL(t.config.endpoint, location.href).href;
  const ours = (input: unknown) => {
    try {
      return new URL(input instanceof Request ? input.url : String(input), location.href).href === endpoint;
    } catch {
      return false;
    }
  };
  const events = (body: unknown) => {
    try {
      return (JSON.parse(String(body)) as { events: unknown[] }).events.length;
    } catch {
      return 0;
    }
  };
  const fetch = window.fetch;
  window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
    const reply = fetch.call(this, input, init);
    if (ours(input))
      reply.then(
        (r) =>
          r.ok
            ? say(`sent ${events(init?.body)} events: ${r.status}`)
            : r
                .clone()
                .text()
                .then((text) => say(`the collector refused ${events(init?.body)} events: ${r.status} ${text}`)),
        (err: unknown) => say('could not send (offline, blocked, or the collector is down); the events stay queued', err),
      );
    return reply;
  };
  try {
    if (localStorage.getItem('cjm_optout')) say('this browser opted out (cjm.optOut()): nothing is sent until cjm.optIn()');
  } catch {
    // storage blocked: the outbox keeps events in memory
  }
  if (navigator.webdriver || /headless|bot|crawl|spider/i.test(navigator.userAgent))
    say(
      'this browser looks automated or like a bot (User-Agent or navigator.webdriver): the collector stores its events as bots, left out of the report (docs/protocol.md#test-traffic-and-bots)',
    );
};
