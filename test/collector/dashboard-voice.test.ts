// @vitest-environment jsdom
// The dashboard's "Voice of the customer" section (collector/dashboard/voice.ts): answers per
// survey and stage, NPS and means, comments — every question, choice and comment as text — and
// the survey score and comments on the journey map's emotion row.
import { afterEach, expect, it } from 'vitest';
import { voiceSection } from '../../collector/dashboard/voice';
import { emotionOption, journeyMap } from '../../collector/dashboard/journey-map';
import { emotionTip } from '../../collector/dashboard/tooltips';
import { journeyReport, XSS_EVENT, XSS_PATH } from '../fixtures/journey-report';

afterEach(() => document.body.replaceChildren());

it('shows each survey per stage, with distribution, NPS and comments, all as text', () => {
  document.body.append(voiceSection(journeyReport.voice, null));
  const heard = document.querySelector('[data-survey="heard"]')!;
  expect(heard.querySelector('h3')!.textContent).toBe('How did you hear about us?');
  expect(heard.querySelector('tr[data-stage="decision"]')!.textContent).toContain('Search engine19 (48 %)');
  expect(heard.querySelector('tr[data-stage="decision"]')!.textContent).toContain(XSS_EVENT);
  expect(heard.querySelector('.comments q')!.textContent).toBe(XSS_EVENT);
  expect([...heard.querySelectorAll('.first-touch tbody tr')].map((r) => r.textContent)).toContain('Search engineorganic search14');
  expect(heard.querySelector('.first-touch summary')!.textContent).toContain('Self-reported vs measured');
  const nps = document.querySelector('[data-survey="nps"]')!;
  expect(nps.querySelector('tr[data-stage="retention"]')!.textContent).toContain('mean 8.4 of 10 · NPS +38.9');
  expect(nps.querySelector('tr[data-stage="advocacy"]')!.textContent).toContain('NPS 0');
  const feedback = [...document.querySelectorAll('.comments')].at(-1)!;
  expect(feedback.querySelector('summary')!.textContent).toBe('Latest feedback comments (1)');
  expect(feedback.textContent).toContain(XSS_PATH);
  expect(document.querySelectorAll('img, script').length).toBe(0);
  for (const node of document.querySelectorAll('*')) for (const attr of node.getAttributeNames()) expect(attr.startsWith('on')).toBe(false);
});

it('says how to start when there is nothing to show', () => {
  document.body.append(voiceSection({ surveys: [], feedbackComments: [], stages: [] }, null));
  expect(document.body.textContent).toContain('Define surveys with CJM_SURVEYS');
});

it("the map's emotion row: three bands on their own scales, and each stage's latest comments behind it, as text", () => {
  const map = journeyMap(journeyReport, false);
  document.body.append(map.el);
  const row = document.querySelector('.cell[data-row="emotion"]')!;
  expect(row.querySelector('.emotion-chart')!.getAttribute('aria-label')).toContain(
    'Decision: feedback 2.6, survey score 40, frustration 26 %',
  );
  const decision = row.querySelector('.stage-comments details[data-stage="decision"]')!;
  expect(decision.querySelector('summary')!.textContent).toBe('2 latest comments');
  expect([...decision.querySelectorAll('q')].map((q) => q.textContent)).toEqual([XSS_EVENT, `Card refused twice ${XSS_EVENT}`]);
  expect(decision.textContent).toContain('survey heard · answer Other · /thank-you/');
  expect(row.querySelector('.stage-comments [data-stage="awareness"]')!.textContent).toBe('No comments');
  // Columns line up with the map's: one comments cell per stage, in the site's order.
  expect([...row.querySelectorAll('.stage-comments > [data-stage]')].map((e) => e.getAttribute('data-stage'))).toEqual(
    journeyReport.stageNames,
  );

  const tipEl = emotionTip(
    journeyReport.stages[2]!,
    journeyReport.voice.stages.find((v) => v.stage === 'decision'),
  );
  document.body.append(tipEl);
  expect(tipEl.textContent).toContain('Survey score40 of 100 (9 answers)');
  expect([...tipEl.querySelectorAll('.tip-comment q')].map((q) => q.textContent)).toEqual([XSS_EVENT, `Card refused twice ${XSS_EVENT}`]);
  expect(document.querySelectorAll('img, script').length).toBe(0);

  // Each line in a band of its own (grid), on its own y scale with its two ends labelled.
  const option = emotionOption(journeyReport.stages, new Map(journeyReport.voice.stages.map((v) => [v.stage, v]))) as {
    grid: { top: number; height: number }[];
    yAxis: { min: number; max: number }[];
    series: { name: string; yAxisIndex: number; data: unknown[] }[];
  };
  expect(option.series.map((s) => [s.name, s.yAxisIndex])).toEqual([
    ['Feedback', 0],
    ['Survey score', 1],
    ['Frustration', 2],
  ]);
  expect(option.yAxis.slice(0, 2).map((a) => [a.min, a.max])).toEqual([
    [1, 5],
    [0, 100],
  ]);
  for (let i = 1; i < option.grid.length; i++)
    expect(option.grid[i]!.top).toBeGreaterThanOrEqual(option.grid[i - 1]!.top + option.grid[i - 1]!.height + 20); // room for the labels
  expect(option.series[1]!.data).toEqual(['-', 62.5, 40, 82.7, 69.4]);
});
