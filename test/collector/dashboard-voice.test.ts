// @vitest-environment jsdom
// The dashboard's "Voice of the customer" section (collector/dashboard/voice.ts): answers per
// survey and stage, NPS and means, comments — every question, choice and comment as text.
import { afterEach, expect, it } from 'vitest';
import { voiceSection } from '../../collector/dashboard/voice';
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
  document.body.append(voiceSection({ surveys: [], feedbackComments: [] }, null));
  expect(document.body.textContent).toContain('Define surveys with CJM_SURVEYS');
});
