// Seeded random traffic for the report-equality tests (runtime-neutral: no node:* import, so the
// workerd tests can post the same batches): several sites, visitors over several visits with
// channels and campaigns, checkout steps, purchases with values and currencies, feedback and
// survey answers, pain points, engagement, custom events with properties, identify with
// personas. And the report URLs to compare between engines: every section of the journey
// report under periods hour-aligned and not and under filters, attribution (all models, a
// goal), campaigns (every `by`), people and a person's timeline, custom events, CSV.
import { CAMPAIGN_KEYS } from '../../collector/report/campaigns';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** mulberry32: a small seeded generator, so a failure replays. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TrafficPost {
  body: { site: string; sent: number; events: Record<string, unknown>[] };
  headers: Record<string, string>;
}

const UAS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
];
const COUNTRIES = ['DE', 'FR', 'US'];
const ARRIVALS = [
  { referrer: undefined, query: '' },
  { referrer: 'https://www.google.com/', query: '' },
  { referrer: 'https://www.facebook.com/', query: '' },
  { referrer: undefined, query: '?utm_source=news&utm_medium=email&utm_campaign=spring' },
  { referrer: 'https://www.google.com/', query: '?utm_source=google&utm_medium=cpc&utm_campaign=brand&utm_content=ad1&utm_term=shoes' },
];
const PAGES: [path: string, stage?: string][] = [
  ['/'],
  ['/blog/a', 'awareness'],
  ['/product/1', 'consideration'],
  ['/product/2'],
  ['/pricing', 'decision'],
  ['/help', 'retention'],
  ['/cart'],
];
const STEPS = ['view_item', 'add_to_cart', 'view_cart', 'begin_checkout', 'add_payment_info', 'purchase'];
const CURRENCIES = ['EUR', 'usd', 'EUR', undefined];

/**
 * The batches of `sites` sites' traffic over the two days before `end` (a day boundary), one
 * POST per visit; `sent` is `end`'s clock so the events keep their times (the Node app's clock
 * must read at least `end`).
 */
export function reportTraffic(seed: number, end: number, sites = ['shop', 'blog'], visitors = 24): TrafficPost[] {
  const rnd = seeded(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const posts: TrafficPost[] = [];
  let id = 0;
  for (const site of sites) {
    for (let v = 0; v < visitors; v++) {
      const visitor = `${site}-v${v}`;
      const ua = pick(UAS);
      const country = pick(COUNTRIES);
      const visits = 1 + Math.floor(rnd() * 3);
      let t = end - 2 * DAY + Math.floor(rnd() * DAY);
      for (let s = 0; s < visits; s++) {
        const session = `${visitor}-s${s}`;
        const arrival = pick(ARRIVALS);
        const events: Record<string, unknown>[] = [];
        const add = (e: Record<string, unknown>) => {
          t += 1000 + Math.floor(rnd() * 240_000);
          // A few events without a session (as server-side senders may send them).
          events.push({ id: `${site}-${++id}`, ts: t, visitor, ...(rnd() < 0.04 ? {} : { session }), ...e });
        };
        const pages = 1 + Math.floor(rnd() * 5);
        for (let p = 0; p < pages; p++) {
          const [path, stage] = pick(PAGES);
          const url = `https://${site}.example${path}${p === 0 ? arrival.query : ''}`;
          add({
            type: 'pageview',
            name: path,
            path,
            url,
            touchpoint: path,
            ...(stage ? { stage } : {}),
            ...(p === 0 && arrival.referrer ? { referrer: arrival.referrer } : {}),
          });
          if (rnd() < 0.5)
            add({
              type: 'engagement',
              name: 'engaged',
              path,
              props: { engaged_ms: Math.floor(rnd() * 60_000), scroll: Math.floor(rnd() * 100) },
            });
          if (rnd() < 0.25)
            add({
              type: 'event',
              name: pick(['share_link', 'cta_click', 'refer_friend']),
              path,
              touchpoint: pick(['hero', 'footer']),
              props: {
                plan: pick(['pro', 'free']),
                n: Math.floor(rnd() * 4),
                label: pick(['a', 'b']),
                ok: rnd() < 0.5,
                none: null,
                ratio: pick([0.5, 2, 1.25]),
                text: pick(['12', 'x']),
              },
            });
          if (rnd() < 0.1) add({ type: 'pain', name: pick(['rage_click', 'js_error', 'form_error', 'dead_click']), path });
        }
        if (rnd() < 0.45) {
          const reach = 1 + Math.floor(rnd() * STEPS.length);
          const currency = pick(CURRENCIES);
          for (const step of STEPS.slice(0, reach)) {
            const value = Math.round(rnd() * 20_000) / 100;
            add({
              type: 'checkout',
              name: step,
              path: '/cart',
              props: { value, ...(currency ? { currency } : {}), ...(step === 'purchase' ? { transaction_id: `t${id}` } : {}) },
            });
          }
          if (reach === STEPS.length && rnd() < 0.2)
            add({ type: 'checkout', name: 'refund', path: '/cart', props: { value: 10, currency: 'EUR' } });
        }
        if (rnd() < 0.2)
          add({
            type: 'feedback',
            name: 'feedback',
            path: '/help',
            props: { score: 1 + Math.floor(rnd() * 5), ...(rnd() < 0.5 ? { comment: pick(['slow', 'great', 'confusing']) } : {}) },
          });
        if (rnd() < 0.15)
          add({
            type: 'feedback',
            name: 'survey',
            path: '/',
            props: {
              survey: 'nps',
              question: 'How likely?',
              kind: 'scale',
              answer: String(Math.floor(rnd() * 11)),
              value: Math.floor(rnd() * 11),
              scale: 10,
            },
          });
        if (rnd() < 0.1)
          add({
            type: 'feedback',
            name: 'survey',
            path: '/',
            props: { survey: 'help', question: 'Did it help?', kind: 'yesno', answer: rnd() < 0.5, other: null },
          });
        if (s === 0 && rnd() < 0.3)
          add({ type: 'identify', name: 'identify', user: `${site}-u${v % 7}`, persona: pick(['buyer', 'browser']) });
        // Some visits change country halfway (a session with several: report_sessions uniform = 0).
        const cut = rnd() < 0.12 ? Math.ceil(events.length / 2) : events.length;
        posts.push({ body: { site, sent: end, events: events.slice(0, cut) }, headers: { 'user-agent': ua, 'x-country': country } });
        if (cut < events.length)
          posts.push({
            body: { site, sent: end, events: events.slice(cut) },
            headers: { 'user-agent': ua, 'x-country': pick(COUNTRIES.filter((c) => c !== country)) },
          });
        t += HOUR + Math.floor(rnd() * 8 * HOUR); // the next visit: a new session
      }
    }
  }
  return posts;
}

/** The report URLs to compare between engines over traffic that ends at `end` (without the admin token). */
export function reportUrls(end: number, site = 'shop', visitor = `${site}-v0`): string[] {
  const aligned = `from=${end - 2 * DAY}&to=${end}`;
  const partial = `from=${end - 2 * DAY + 17 * 60_000 + 123}&to=${end - 5 * HOUR - 31_000}`;
  const short = `from=${end - 30 * HOUR + 7_000}&to=${end - 30 * HOUR + 50 * 60_000}`; // under an hour
  const urls: string[] = [];
  for (const period of [aligned, partial, short]) {
    const base = `${period}&minSessions=1`;
    for (const filter of [
      '',
      '&channel=direct',
      '&channel=search',
      '&device=mobile',
      '&country=DE',
      '&persona=buyer',
      '&device=desktop&country=FR',
    ])
      urls.push(`/api/sites/${site}/journey?${base}${filter}`);
    urls.push(`/api/sites/${site}/journey?${base}&funnelBy=people`, `/api/sites/${site}/journey?${base}&pathSteps=3&pathFrom=/`);
    urls.push(`/api/sites/${site}/journey.csv?${base}`);
    for (const goal of ['', '&goal=share_link', '&goal=/pricing']) urls.push(`/api/sites/${site}/attribution?${period}${goal}`);
    urls.push(`/api/sites/${site}/attribution.csv?${period}`);
    for (const by of CAMPAIGN_KEYS) urls.push(`/api/sites/${site}/campaigns?${period}&by=${by}`);
    urls.push(`/api/sites/${site}/campaigns?${period}&device=mobile`, `/api/sites/${site}/campaigns.csv?${period}`);
    for (const extra of ['', '&persona=buyer', '&abandoned=1', '&stage=decision']) urls.push(`/api/sites/${site}/people?${period}${extra}`);
    urls.push(`/api/sites/${site}/people.csv?${period}`);
    for (const name of ['share_link', 'cta_click'])
      urls.push(`/api/sites/${site}/custom-events/${name}?${period}`, `/api/sites/${site}/custom-events/${name}?${period}&country=US`);
    // Issue 14's sections: campaign filters, segments side by side, engagement, goals, paths per person.
    urls.push(`/api/sites/${site}/journey?${base}&source=news`, `/api/sites/${site}/journey?${base}&medium=cpc`);
    urls.push(
      `/api/sites/${site}/segments?${period}&a=channel:direct&b=channel:search`,
      `/api/sites/${site}/segments.csv?${period}&a=channel:direct&b=device:mobile`,
    );
    urls.push(`/api/sites/${site}/engagement?${period}`, `/api/sites/${site}/engagement.csv?${period}`);
    urls.push(`/api/sites/${site}/goals?${period}`, `/api/sites/${site}/goals.csv?${period}`);
    urls.push(`/api/sites/${site}/person-paths?${period}`, `/api/sites/${site}/person-paths.csv?${period}`);
  }
  urls.push(`/api/sites/${site}/people/${visitor}`, `/api/sites/${site}/people/${site}-v3`);
  return urls;
}

/** SHA-256 (hex) of a text, on Node and in workerd alike. */
export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Where the SQLite answers' hashes are kept for the D1 test (workerd cannot run node:sqlite). */
export const FIXTURE = 'test/collector/report-equality.fixture.json';
export const FIXTURE_SEED = 15;

/** The status and the SHA-256 of the body of every report URL of both sites, as `fetch` answers them. */
export async function answerHashes(fetch: (url: string) => Promise<Response>, end: number): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const site of ['shop', 'blog'])
    for (const url of reportUrls(end, site)) {
      const res = await fetch(url);
      out[url] = `${res.status} ${await sha256(await res.text())}`;
    }
  return out;
}
