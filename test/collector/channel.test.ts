// One test per row of the channel table in docs/journey.md.
import { describe, expect, it } from 'vitest';
import { classify } from '../../collector/journey/channel';

const site = 'https://shop.example/';
const rows: [rule: string, landing: string, referrer: string, channel: string, source: string, medium: string][] = [
  ['no referrer, no tags → direct', site, '', 'direct', '(direct)', '(none)'],
  ['own site as referrer → direct', site + 'a', 'https://shop.example/b', 'direct', '(direct)', '(none)'],
  [
    'utm_medium=cpc from a search source → paid search',
    site + '?utm_source=google&utm_medium=cpc&utm_campaign=spring',
    '',
    'paid search',
    'google',
    'cpc',
  ],
  [
    'utm_medium=paid_social … a social source → paid social',
    site + '?utm_source=facebook&utm_medium=paid_social',
    '',
    'paid social',
    'facebook',
    'paid_social',
  ],
  ['utm_medium=cpc from another source → other', site + '?utm_source=partner&utm_medium=cpc', '', 'other', 'partner', 'cpc'],
  ['utm_medium=display / banner / cpm → display', site + '?utm_source=gdn&utm_medium=banner', '', 'display', 'gdn', 'banner'],
  ['utm_medium=email / newsletter → email', site + '?utm_source=weekly&utm_medium=newsletter', '', 'email', 'weekly', 'newsletter'],
  [
    'utm_medium=affiliate → affiliate',
    site + '?utm_source=bloggerx&utm_medium=affiliate',
    'https://bloggerx.example/',
    'affiliate',
    'bloggerx',
    'affiliate',
  ],
  ['utm_medium=social → organic social', site + '?utm_source=linkedin&utm_medium=social', '', 'organic social', 'linkedin', 'social'],
  [
    'utm_medium=organic from a search source → organic search',
    site + '?utm_source=bing&utm_medium=organic',
    '',
    'organic search',
    'bing',
    'organic',
  ],
  [
    'utm_medium=referral → referral',
    site + '?utm_source=partner.example&utm_medium=referral',
    '',
    'referral',
    'partner.example',
    'referral',
  ],
  ['any other utm_medium → other', site + '?utm_source=x1&utm_medium=qr', '', 'other', 'x1', 'qr'],
  ['gclid → paid search (google)', site + '?gclid=abc', 'https://www.google.com/', 'paid search', 'google', 'cpc'],
  ['msclkid → paid search (bing)', site + '?msclkid=abc', '', 'paid search', 'bing', 'cpc'],
  ['dclid → display', site + '?dclid=abc', '', 'display', 'google', 'display'],
  ['ttclid → paid social (tiktok)', site + '?ttclid=abc', '', 'paid social', 'tiktok', 'cpc'],
  ['li_fat_id → paid social (linkedin)', site + '?li_fat_id=abc', '', 'paid social', 'linkedin', 'cpc'],
  ['utm_source=newsletter alone → email', site + '?utm_source=newsletter', '', 'email', 'newsletter', 'email'],
  ['utm_source of a search engine alone → organic search', site + '?utm_source=duckduckgo', '', 'organic search', 'duckduckgo', 'organic'],
  ['utm_source of a social network alone → organic social', site + '?utm_source=reddit', '', 'organic social', 'reddit', 'social'],
  ['other utm_source alone → other', site + '?utm_source=podcast', '', 'other', 'podcast', '(not set)'],
  [
    'fbclid (added to organic clicks too) → organic social',
    site + '?fbclid=IwAR0',
    'https://l.facebook.com/',
    'organic social',
    'l.facebook.com',
    'social',
  ],
  ['webmail referrer → email', site, 'https://mail.google.com/mail/u/0/', 'email', 'mail.google.com', 'email'],
  ['search engine referrer → organic search', site, 'https://www.google.co.uk/', 'organic search', 'google.co.uk', 'organic'],
  ['social referrer → organic social', site, 'https://t.co/xyz', 'organic social', 't.co', 'social'],
  ['any other referrer → referral', site, 'https://blog.example.org/post', 'referral', 'blog.example.org', 'referral'],
];

describe('channel classification', () => {
  it.each(rows)('%s', (_rule, landing, referrer, channel, source, medium) => {
    expect(classify(landing, referrer)).toMatchObject({ channel, source, medium });
  });

  it('keeps campaign, content and term', () => {
    expect(classify(site + '?utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_content=ad1&utm_term=trail+shoes', '')).toEqual({
      channel: 'paid search',
      source: 'google',
      medium: 'cpc',
      campaign: 'spring',
      content: 'ad1',
      term: 'trail shoes',
    });
  });

  it('never throws on garbage', () => {
    expect(classify('not a url', '%%%').channel).toBe('direct');
    expect(classify(undefined, undefined).channel).toBe('direct');
  });
});
