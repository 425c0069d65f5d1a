// The report's survey section (collector/report/voice.ts): answers posted through /collect
// come back per survey and per stage — counts per choice, mean, NPS, top-box share, latest
// comments — with the filters applied, feedback comments beside them, and as CSV.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JourneyReport } from '../../collector/report/types';
import type { Store } from '../../collector/store/types';
import { batch, event, NOW, post, tempStore, testApp, TOKEN } from './helpers';

let store: Store;
let cleanup: () => Promise<void>;
beforeEach(() => ({ store, cleanup } = tempStore()));
afterEach(() => cleanup());

const auth = { authorization: `Bearer ${TOKEN}` };
const page = (path: string) => ({ url: `https://shop.example${path}`, path });
let n = 0;
/** A visitor's page view and their survey answer on it (answers take their page view's stage). */
const answer = (path: string, props: Record<string, unknown>, over: Record<string, unknown> = {}) => {
  const v = `v${++n}`;
  return [
    event({ ...page(path), name: path, visitor: v, session: `s${n}`, ts: NOW - 60_000 + n, ...over }),
    event({ ...page(path), type: 'feedback', name: 'survey', visitor: v, session: `s${n}`, ts: NOW - 30_000 + n, props, ...over }),
  ];
};
const heard = (choice: string, other?: string) => ({
  survey: 'heard',
  question: 'How did you hear about us?',
  kind: 'single',
  answer: choice,
  ...(other ? { other } : {}),
});
const nps = (value: number) => ({ survey: 'nps', question: 'How likely are you to recommend us?', kind: 'scale', value, scale: 10 });

const report = async (app: ReturnType<typeof testApp>['app'], query = '') => {
  const res = await app.request(`/api/sites/shop/journey?from=${NOW - 86_400_000}&to=${NOW + 1}${query}`, { headers: auth });
  expect(res.status).toBe(200);
  return (await res.json()) as JourneyReport;
};

describe('survey answers in the report', () => {
  it('counts choices, means, NPS and comments per survey and per stage of the page answered on', async () => {
    const { app } = testApp(store);
    const events = [
      ...answer('/thank-you/', heard('Search'), { referrer: 'https://www.google.com/' }),
      ...answer('/thank-you/', heard('Search')),
      ...answer('/thank-you/', heard('Other', '<img src=x onerror=alert(1)>')),
      ...answer('/account/orders', heard('Friend')),
      // NPS 1–10: promoters 9, 10, 10; passive 8; detractors 3, 6 → (3 − 2) / 6 = 16.7
      ...[9, 10, 10, 8].flatMap((v) => answer('/account/', nps(v))),
      ...[3, 6].flatMap((v) => answer('/blog/post', nps(v))),
      // A multiple-choice answer counts each of its choices.
      ...answer('/cart/', { survey: 'stopped', question: 'What stopped you?', kind: 'multiple', answer: 'Price|Shipping' }),
      // Free text is a comment; a 1–5 feedback with a comment is one too, and a feedback without one is not.
      ...answer('/help/', { survey: 'say', question: 'Anything to tell us?', kind: 'text', answer: 'More sizes please' }),
      event({
        ...page('/cart/'),
        type: 'feedback',
        name: 'feedback',
        visitor: 'vf',
        session: 'sf',
        props: { score: 2, comment: 'Card refused twice' },
      }),
      event({ ...page('/cart/'), type: 'feedback', name: 'feedback', visitor: 'vg', session: 'sg', props: { score: 4 } }),
    ];
    for (let i = 0; i < events.length; i += 50) expect((await post(app, batch(events.slice(i, i + 50)))).status).toBe(202);
    const r = await report(app);
    const by = Object.fromEntries(r.voice.surveys.map((s) => [s.survey, s]));
    expect(r.voice.surveys.map((s) => s.survey)).toEqual(['nps', 'heard', 'say', 'stopped']); // most answered first

    expect(by.heard).toMatchObject({ question: 'How did you hear about us?', kind: 'single', responses: 4, mean: null, nps: null });
    expect(by.heard.choices).toEqual([
      { name: 'Search', count: 2 },
      { name: 'Friend', count: 1 },
      { name: 'Other', count: 1 },
    ]);
    // The thank-you page is decision, the account retention (docs/journey.md page signals).
    expect(by.heard.stages.map((s) => [s.stage, s.responses])).toEqual([
      ['decision', 3],
      ['retention', 1],
    ]);
    // Self-reported against measured: the first visit's channel of each answerer.
    expect(by.heard.firstTouch).toEqual([
      { answer: 'Friend', channel: 'direct', count: 1 },
      { answer: 'Other', channel: 'direct', count: 1 },
      { answer: 'Search', channel: 'direct', count: 1 },
      { answer: 'Search', channel: 'organic search', count: 1 },
    ]);
    expect(by.nps.firstTouch).toEqual([]);
    expect(by.heard.comments).toEqual([
      expect.objectContaining({ text: '<img src=x onerror=alert(1)>', answer: 'Other', stage: 'decision', touchpoint: '/thank-you/' }),
    ]);

    expect(by.nps).toMatchObject({ scale: 10, responses: 6, mean: 46 / 6, nps: 16.7, topBox: null, choices: [] });
    expect(by.nps.stages).toEqual([
      { stage: 'awareness', responses: 2, choices: [], mean: 4.5, nps: -100, topBox: null },
      { stage: 'retention', responses: 4, choices: [], mean: 9.25, nps: 75, topBox: null },
    ]);
    expect(by.stopped.choices).toEqual([
      { name: 'Price', count: 1 },
      { name: 'Shipping', count: 1 },
    ]);
    expect(by.say.comments.map((c) => c.text)).toEqual(['More sizes please']);
    expect(r.voice.feedbackComments).toEqual([expect.objectContaining({ text: 'Card refused twice', answer: '2', stage: 'decision' })]);
    // The map's emotion row: per stage, the scale answers normalised to 0–100 and averaged —
    // retention's NPS 9, 10, 10, 8 → 88.9, 100, 100, 77.8 → 91.7; awareness's 3, 6 → 22.2, 55.6
    // → 38.9 — and the latest comments of every kind given there.
    const voice = Object.fromEntries(r.voice.stages.map((v) => [v.stage, v]));
    expect(r.voice.stages.map((v) => v.stage)).toEqual(['awareness', 'decision', 'retention']);
    expect(voice.retention).toMatchObject({
      scoreAnswers: 4,
      comments: [expect.objectContaining({ text: 'More sizes please', source: 'survey:say' })],
    });
    expect(voice.retention.score).toBeCloseTo(((7 / 9 + 8 / 9 + 1 + 1) / 4) * 100, 6);
    expect(voice.awareness.score).toBeCloseTo(((2 / 9 + 5 / 9) / 2) * 100, 6);
    expect(voice.decision).toMatchObject({ score: null, scoreAnswers: 0 });
    expect(voice.decision.comments.map((c) => [c.source, c.text, c.answer]).sort()).toEqual([
      ['feedback', 'Card refused twice', '2'],
      ['survey:heard', '<img src=x onerror=alert(1)>', 'Other'],
    ]);
    // Survey answers carry no score: the 1–5 feedback mean is the two buttons' only.
    expect(r.stages.find((s) => s.stage === 'decision')!.emotion).toMatchObject({ feedbackCount: 2, feedbackMean: 3 });

    // Filters apply: the Google visit is left out of the direct ones; none came by email.
    const direct = await report(app, '&channel=direct');
    expect(direct.voice.surveys.find((s) => s.survey === 'heard')!.responses).toBe(3);
    const none = await report(app, '&channel=email');
    expect(none.voice).toEqual({ surveys: [], feedbackComments: [], stages: [] });
  });

  it('a 1–5 scale gives its top-box share; the CSV has a table of answers and one of comments', async () => {
    const { app } = testApp(store);
    const ces = (value: number) => ({ survey: 'ease', question: 'How easy was it?', kind: 'scale', value, scale: 5 });
    expect(
      (
        await post(
          app,
          batch([
            ...[5, 4, 2, 5].flatMap((v) => answer('/products/tent', ces(v))),
            ...answer('/thank-you/', heard('Other', '=HYPERLINK("x")')),
          ]),
        )
      ).status,
    ).toBe(202);
    const r = await report(app);
    expect(r.voice.surveys.find((s) => s.survey === 'ease')).toMatchObject({
      mean: 4,
      topBox: 0.75,
      nps: null,
      stages: [{ stage: 'consideration', responses: 4 }],
    });
    // 1–5 normalised: 5, 4, 2, 5 → 100, 75, 25, 100 → 75.
    expect(r.voice.stages.find((v) => v.stage === 'consideration')).toMatchObject({ score: 75, scoreAnswers: 4 });

    const csv = async (table: string) =>
      (
        await (
          await app.request(`/api/sites/shop/journey.csv?table=${table}&from=${NOW - 86_400_000}&to=${NOW + 1}`, { headers: auth })
        ).text()
      ).split('\r\n');
    const answers = await csv('surveys');
    expect(answers[0]).toBe('survey,question,stage,responses,choice,count,mean,nps,topBox');
    expect(answers).toContain('ease,How easy was it?,(all),4,,,4,,0.75');
    expect(answers).toContain('ease,How easy was it?,consideration,4,,,4,,0.75');
    expect(answers).toContain('heard,How did you hear about us?,decision,1,Other,1,,,');
    const comments = await csv('comments');
    expect(comments[0]).toBe('source,time,stage,touchpoint,answer,comment');
    expect(await csv('attribution')).toContain('heard,Other,direct,1');
    expect(await csv('scores')).toEqual(['stage,surveyScore,scoreAnswers', 'consideration,75,4', 'decision,,0', '']);
    // A comment that a spreadsheet would run as a formula is defused.
    expect(comments[1]).toMatch(/^survey:heard,.*,decision,\/thank-you\/,Other,"'=HYPERLINK\(""x""\)"$/);
  });
});
