// Classifies how a session arrived — its marketing channel — from the landing URL's utm_*
// parameters and ad click ids, and the referrer. Pure and table-driven: docs/journey.md
// publishes the same rules, and test/collector/channel.test.ts checks every row.

export const CHANNELS = [
  'direct',
  'organic search',
  'paid search',
  'organic social',
  'paid social',
  'email',
  'referral',
  'affiliate',
  'display',
  'other',
] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Acquisition {
  channel: string;
  /** utm_source, else the referrer's host (without www.), else "(direct)". */
  source: string;
  /** utm_medium, else what the rule implies (organic, referral, cpc, …), else "(none)". */
  medium: string;
  campaign?: string;
  content?: string;
  term?: string;
}

/** Hosts (or host suffixes) of search engines. */
const SEARCH =
  /(^|\.)(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|naver|seznam|qwant|startpage|ask|aol|sogou|so|brave|kagi|you)\.[a-z.]+$|^search\./;
/** Hosts of social networks (incl. link shorteners and app referrers they use). */
const SOCIAL =
  /(^|\.)(facebook|fb|instagram|twitter|x|t|linkedin|lnkd|pinterest|reddit|youtube|youtu|tiktok|snapchat|threads|tumblr|vk|weibo|whatsapp|telegram|discord|quora|mastodon|bsky|news\.ycombinator|medium)\.[a-z.]+$/;
/** Webmail hosts: a click from a mail client is email. */
const WEBMAIL =
  /^(mail\.google\.com|outlook\.(live|office|office365)\.com|mail\.yahoo\.com|mail\.proton\.me|app\.fastmail\.com|mail\.aol\.com)$/;

const PAID_MEDIUM = /^(cpc|ppc|cpv|cpa|cpp|paid.*|sem|retargeting|ads?)$/;
const DISPLAY_MEDIUM = /^(display|banner|cpm|expandable|interstitial|programmatic)$/;
const SOCIAL_MEDIUM = /^(social|social[-_ ]?(media|network)|sm|organic[-_ ]?social)$/;
const EMAIL_MEDIUM = /^(e[-_]?mail|newsletter)$/;
const AFFILIATE_MEDIUM = /^affiliates?$/;
const SEARCH_SOURCE = /^(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|naver|brave|qwant|startpage)$/;
const SOCIAL_SOURCE =
  /^(facebook|fb|meta|instagram|ig|twitter|x|linkedin|pinterest|reddit|youtube|tiktok|snapchat|threads|whatsapp|telegram|discord)$/;

/** Click ids ad platforms append to landing URLs, in the order they are checked. */
const CLICK_IDS: [param: string, channel: Channel, source: string][] = [
  ['gclid', 'paid search', 'google'],
  ['gbraid', 'paid search', 'google'],
  ['wbraid', 'paid search', 'google'],
  ['msclkid', 'paid search', 'bing'],
  ['dclid', 'display', 'google'],
  ['ttclid', 'paid social', 'tiktok'],
  ['li_fat_id', 'paid social', 'linkedin'],
  ['twclid', 'paid social', 'twitter'],
  ['sccid', 'paid social', 'snapchat'],
  ['epik', 'paid social', 'pinterest'],
];

const host = (url?: string): string => {
  try {
    return url ? new URL(url).hostname.toLowerCase().replace(/^www\./, '') : '';
  } catch {
    return '';
  }
};

/**
 * The channel of a session from its landing page URL and referrer.
 * `siteHost` (the landing page's own host when omitted) makes self-referrals count as direct.
 */
export const classify = (landingUrl: string | undefined, referrer: string | undefined, siteHost?: string): Acquisition => {
  let params = new URLSearchParams();
  try {
    params = new URL(landingUrl || '').searchParams;
  } catch {}
  const get = (k: string) => {
    for (const [key, value] of params) if (key.toLowerCase() == k && value) return value.trim().slice(0, 200);
  };
  const utm = {
    source: get('utm_source'),
    medium: get('utm_medium'),
    campaign: get('utm_campaign'),
    content: get('utm_content'),
    term: get('utm_term'),
  };
  const from = host(referrer);
  const self = siteHost ?? host(landingUrl);
  const ref = from && from != self ? from : '';
  const source = (utm.source || ref || '(direct)').toLowerCase();
  const medium = utm.medium?.toLowerCase();
  const result = (channel: Channel, impliedMedium: string, impliedSource = source): Acquisition => ({
    channel,
    source: utm.source ? source : impliedSource,
    medium: medium || impliedMedium,
    campaign: utm.campaign,
    content: utm.content,
    term: utm.term,
  });
  const searchy = SEARCH_SOURCE.test(source) || SEARCH.test(source);
  const socialy = SOCIAL_SOURCE.test(source) || SOCIAL.test(source);

  // 1. utm_medium says what the campaign was, the strongest signal a marketer gives us.
  if (medium) {
    if (PAID_MEDIUM.test(medium)) return result(socialy ? 'paid social' : searchy ? 'paid search' : 'other', medium);
    if (DISPLAY_MEDIUM.test(medium)) return result('display', medium);
    if (EMAIL_MEDIUM.test(medium)) return result('email', medium);
    if (AFFILIATE_MEDIUM.test(medium)) return result('affiliate', medium);
    if (SOCIAL_MEDIUM.test(medium)) return result('organic social', medium);
    if (medium == 'organic') return result(socialy ? 'organic social' : 'organic search', medium);
    if (medium == 'referral') return result(socialy ? 'organic social' : searchy ? 'organic search' : 'referral', medium);
    return result('other', medium);
  }
  // 2. Ad click ids without utm tags.
  for (const [param, channel, impliedSource] of CLICK_IDS)
    if (get(param)) return result(channel, channel == 'display' ? 'display' : 'cpc', impliedSource);
  // 3. utm_source alone.
  if (utm.source) {
    if (/^(e[-_]?mail|newsletter)/.test(source)) return result('email', 'email');
    if (searchy) return result('organic search', 'organic');
    if (socialy) return result('organic social', 'social');
    return result('other', '(not set)');
  }
  // 4. Facebook appends fbclid to organic link clicks too: it means social, not paid.
  if (get('fbclid')) return result('organic social', 'social', ref || 'facebook');
  // 5. The referrer alone.
  if (!ref) return result('direct', '(none)');
  if (WEBMAIL.test(ref)) return result('email', 'email');
  if (SEARCH.test(ref)) return result('organic search', 'organic');
  if (SOCIAL.test(ref)) return result('organic social', 'social');
  return result('referral', 'referral');
};
