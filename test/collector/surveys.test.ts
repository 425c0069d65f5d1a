// Micro-surveys on the collector: CJM_SURVEYS validated at start with errors naming the survey
// and field, and GET /surveys/<site> serving each site its surveys, cacheable and readable
// from other origins.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../collector/config';
import { parseSurveys } from '../../collector/surveys';
import { tempStore, testApp, TOKEN } from './helpers';

const heard = {
  id: 'heard',
  question: 'How did you hear about us?',
  type: 'single',
  choices: ['Search', 'Friend'],
  other: true,
  trigger: { on: 'purchase' },
};
const nps = {
  id: 'nps',
  question: 'How likely are you to recommend us?',
  type: 'scale',
  scale: 10,
  low: 'Not at all',
  high: 'Very likely',
  trigger: { on: 'pages', count: 3, stage: 'consideration' },
  sample: 50,
};
const json = (x: unknown) => JSON.stringify(x);

describe('parseSurveys (CJM_SURVEYS)', () => {
  it('reads an array, or an object with a global cap; unset means no surveys', () => {
    expect(parseSurveys(undefined)).toBeUndefined();
    expect(parseSurveys('  ')).toBeUndefined();
    expect(parseSurveys(json([heard, nps]))).toEqual({ capDays: 7, surveys: [heard, nps] });
    expect(parseSurveys(json({ capDays: 0, surveys: [heard] }))).toEqual({ capDays: 0, surveys: [heard] });
  });

  it.each([
    ['not JSON', '[{', /CJM_SURVEYS is not JSON/],
    ['a bad id', json([{ ...heard, id: 'how heard?' }]), /CJM_SURVEYS \[0\]\.id \(survey "how heard\?"\): must be 1–40 of/],
    [
      'an unknown type',
      json([heard, { ...nps, type: 'stars' }]),
      /\[1\]\.type \(survey "nps"\): must be one of single, multiple, scale, text/,
    ],
    [
      'choices on a scale',
      json([{ ...nps, choices: ['a', 'b'] }]),
      /\[0\] \(survey "nps"\): choices: single and multiple questions need them/,
    ],
    ['a single choice without choices', json([{ ...heard, choices: undefined }]), /choices: single and multiple questions need them/],
    ['a 1–7 scale', json([{ ...nps, scale: 7 }]), /\[0\]\.scale \(survey "nps"\): must be 5 or 10/],
    ['an unknown trigger', json([{ ...heard, trigger: { on: 'scroll' } }]), /\[0\]\.trigger\.on \(survey "heard"\)/],
    [
      'a trigger count of 0',
      json([{ ...nps, trigger: { on: 'pages', count: 0 } }]),
      /\[0\]\.trigger\.count \(survey "nps"\): must be at least 1/,
    ],
    ['an unknown field', json([{ ...heard, colour: 'red' }]), /\[0\]\.colour \(survey "heard"\)/],
    ['a sample over 100', json([{ ...nps, sample: 120 }]), /\[0\]\.sample \(survey "nps"\): must be 0–100/],
    [
      'an unknown stage',
      json([{ ...heard, stages: ['checkout'] }]),
      /\[0\] \(survey "heard"\): stage "checkout" is not one of the stages awareness/,
    ],
    ['a duplicate id', json([heard, heard]), /\[1\] \(survey "heard"\): id "heard" is used twice/],
    ['a choice with |', json([{ ...heard, choices: ['a|b', 'c'] }]), /must not contain "\|"/],
    ['other on a scale', json([{ ...nps, other: true }]), /other: only single and multiple questions take it/],
    ['a bad global cap', json({ capDays: -1, surveys: [] }), /CJM_SURVEYS \.capDays: must be 0–365/],
  ])('refuses %s, naming the survey and field', (_, value, message) => {
    expect(() => parseSurveys(value)).toThrow(message);
  });

  it('accepts the example of docs/surveys.md', () => {
    const example = readFileSync('docs/surveys.md', 'utf8').match(/```json\n([\s\S]*?)```/)![1];
    expect(parseSurveys(example)!.surveys.map((s) => s.id)).toEqual(['heard', 'stopped', 'ease', 'nps']);
    // The demo shop's (npm run demo).
    expect(parseSurveys(readFileSync('examples/surveys.json', 'utf8'))!.surveys.length).toBe(4);
  });

  it('checks stages against CJM_STAGES, and takes a wrangler JSON var as an object', () => {
    expect(() =>
      configFromEnv({ CJM_ADMIN_TOKEN: TOKEN, CJM_STAGES: 'discover,buy', CJM_SURVEYS: json([{ ...heard, stages: ['decision'] }]) }),
    ).toThrow(/stage "decision" is not one of the stages discover, buy/);
    expect(configFromEnv({ CJM_ADMIN_TOKEN: TOKEN, CJM_SURVEYS: [heard] }).surveys?.surveys).toEqual([heard]);
  });
});

describe('GET /surveys/:site', () => {
  let cleanup: () => Promise<void> = async () => {};
  afterEach(() => cleanup());

  const app = (surveys: unknown, sites?: string[]) => {
    const t = tempStore();
    cleanup = t.cleanup;
    return testApp(t.store, { config: { adminToken: TOKEN, sites, surveys: parseSurveys(json(surveys)) } }).app;
  };

  it('serves a site its own surveys and the shared ones, cacheable, to any origin, without the site field', async () => {
    const a = app([
      heard,
      { ...nps, site: 'shop' },
      { ...nps, id: 'blog-nps', site: 'blog' },
      { ...heard, question: 'Shop: how did you hear of us?', site: 'shop' },
    ]);
    const res = await a.request('/surveys/shop', { headers: { origin: 'https://shop.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = await res.json();
    expect(body.capDays).toBe(7);
    expect(body.stages).toEqual(['awareness', 'consideration', 'decision', 'retention', 'advocacy']);
    // The site's own "heard" replaces the shared one; blog's survey is not served.
    expect(body.surveys.map((s: { id: string; question: string }) => [s.id, s.question])).toEqual([
      ['heard', 'Shop: how did you hear of us?'],
      ['nps', nps.question],
    ]);
    expect(body.surveys.every((s: object) => !('site' in s))).toBe(true);
    expect((await (await a.request('/surveys/docs')).json()).surveys).toEqual([heard]);
  });

  it('answers an empty list without CJM_SURVEYS, 400 for a bad site id, 403 for a site CJM_SITES refuses', async () => {
    const a = app([], ['shop']);
    expect((await (await a.request('/surveys/shop')).json()).surveys).toEqual([]);
    const bad = await a.request('/surveys/%20x');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/^site: /);
    expect((await a.request('/surveys/blog')).status).toBe(403);
  });
});
