// cjm.survey('id') with the script tag before its capture chunk has arrived (found in review:
// such a call — from the stub's queue, or right after the tag — was lost, as window.cjm had no
// `survey` until cjm-capture.mjs set it). Runs the real script-tag path in jsdom: sdk/loader.ts
// with capture/lazy-tag.ts swapped in as rollup does, importing the built dist/cjm-capture.mjs
// (and its cjm-survey.mjs) from beside the endpoint. `npm run build` first.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { Batch, WireEvent } from '../../sdk/schema';
import type { SiteSurveys } from '../../sdk/survey-schema';

vi.mock('../../sdk/capture/lazy', () => import('../../sdk/capture/lazy-tag'));

const ENDPOINT = pathToFileURL(resolve('dist')).href + '/collect';
const HEARD: SiteSurveys['surveys'][number] = {
  id: 'heard',
  question: 'How did you hear about us?',
  type: 'single',
  choices: ['Search', 'Friend'],
  trigger: { on: 'api' },
};

type Api = Record<string, (...a: unknown[]) => void> & { q?: unknown[] };
let sent: WireEvent[];
let surveysAsked: number;

beforeEach(() => {
  sent = [];
  surveysAsked = 0;
  document.body.innerHTML = '';
  localStorage.clear();
  vi.stubGlobal('fetch', async (_url: string | URL, init?: RequestInit) => {
    if (!init) {
      surveysAsked++;
      return Response.json({
        capDays: 7,
        stages: ['awareness', 'consideration', 'decision', 'retention', 'advocacy'],
        surveys: [HEARD],
      } satisfies SiteSurveys);
    }
    sent.push(...(JSON.parse(init.body as string) as Batch).events);
    return new Response(null, { status: 202 });
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  Object.defineProperty(document, 'currentScript', { configurable: true, get: () => null });
});

/** The documented stub (README), its queued calls, then the tag with these data-* attributes. */
const load = async (queued: [string, ...unknown[]][], data: Record<string, string> = {}) => {
  const w = window as unknown as { cjm?: Api };
  w.cjm = { q: [] } as unknown as Api;
  for (const m of 'init track page identify stage feedback flush optOut optIn survey'.split(' '))
    w.cjm[m] = (...a: unknown[]) => void w.cjm!.q!.push([m, a]);
  for (const [m, ...a] of queued) w.cjm[m]!(...a);
  const script = document.createElement('script');
  script.src = 'http://collector.test/cjm.js';
  Object.assign(script.dataset, { site: 'tag-' + Math.random().toString(36).slice(2, 8), endpoint: ENDPOINT, ...data });
  Object.defineProperty(document, 'currentScript', { configurable: true, get: () => script });
  vi.resetModules();
  await import('../../sdk/loader');
  return w.cjm!;
};

const widget = () => document.querySelector<HTMLElement>('.cjm-survey');
const until = async (fn: () => unknown, ms = 5000) => {
  for (const end = Date.now() + ms; !fn();) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

it('a call queued by the stub waits for the surveys, then shows the survey once', async () => {
  const cjm = await load([['survey', 'heard']]);
  expect(widget()).toBeNull(); // capture and the surveys are still on their way
  await until(widget);
  expect(widget()!.getAttribute('data-cjm-survey-id')).toBe('heard');
  expect(document.querySelectorAll('.cjm-survey').length).toBe(1);
  expect(surveysAsked).toBe(1);
  widget()!.querySelector<HTMLInputElement>('input[value="Friend"]')!.click();
  widget()!.querySelector<HTMLButtonElement>('.cjm-send')!.click();
  cjm.flush();
  await until(() => sent.some((e) => e.name == 'survey'));
  expect(sent.filter((e) => e.name == 'survey').map((e) => e.props)).toEqual([
    { survey: 'heard', question: HEARD.question, kind: 'single', answer: 'Friend' },
  ]);
});

it('a call right after the tag (before cjm-capture.mjs) does not throw and shows it once capture has arrived', async () => {
  const cjm = await load([]);
  expect(typeof cjm.survey).toBe('function');
  expect(() => cjm.survey!('heard')).not.toThrow();
  expect(widget()).toBeNull();
  await until(widget);
  expect(document.querySelectorAll('.cjm-survey').length).toBe(1);
});

it('debug mode says why nothing shows: an unknown id, or a survey shown before', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const cjm = await load([['survey', 'nope']], { debug: '' });
  await until(() => warn.mock.calls.some((c) => String(c[0]).includes('survey("nope")')));
  expect(String(warn.mock.calls.find((c) => String(c[0]).includes('survey("nope")'))![0])).toMatch(
    /no survey "nope" for site "tag-\w+" \(it has: heard\)/,
  );
  expect(widget()).toBeNull();
  cjm.survey!('heard');
  await until(widget);
  widget()!.querySelector<HTMLButtonElement>('.cjm-close')!.click();
  cjm.survey!('heard');
  await until(() => warn.mock.calls.some((c) => /survey\("heard"\) shows nothing: it was shown in this browser before/.test(String(c[0]))));
  expect(widget()).toBeNull();
});
