// Micro-surveys on the collector: CJM_SURVEYS (JSON, or on Node a file) is validated at start —
// a mistake stops the collector with the survey and field at fault — and each site's surveys
// are served to the SDK at GET /surveys/<site> (routes/surveys.ts), cacheable, so a survey changes without a
// redeploy of the site. docs/surveys.md documents the format.
import * as v from 'valibot';
import { SurveysSchema, type Survey } from '../sdk/survey-schema';
import { DEFAULT_STAGES } from './journey/stages';

/** Parsed CJM_SURVEYS. */
export interface SurveysConfig {
  capDays: number;
  surveys: Survey[];
}

/** Default global cap: at most one survey per visitor in this many days. */
export const DEFAULT_CAP_DAYS = 7;
/** How long browsers and proxies may reuse a site's surveys (seconds): a change shows within this. */
export const SURVEYS_MAX_AGE_S = 300;

const EXAMPLE =
  '[{"id":"heard","question":"How did you hear about us?","type":"single","choices":["Search","Friend"],"other":true,"trigger":{"on":"purchase"}}]';

/**
 * Parses CJM_SURVEYS: a JSON array of surveys, or `{"capDays": 7, "surveys": [...]}`. Throws an
 * Error naming the survey and field at fault, so a typo stops the collector at start-up.
 * @example parseSurveys('[{"id":"nps","question":"How likely …?","type":"scale","scale":10,"trigger":{"on":"pages","count":3}}]')
 */
export function parseSurveys(value: string | undefined, stages: readonly string[] = DEFAULT_STAGES): SurveysConfig | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const fail = (why: string): never => {
    throw new Error(`CJM_SURVEYS ${why}; expected a JSON array such as ${EXAMPLE} (docs/surveys.md)`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch (err) {
    return fail(`is not JSON (${(err as Error).message})`);
  }
  const parsed = v.safeParse(SurveysSchema, Array.isArray(raw) ? { surveys: raw } : raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = (issue.path ?? []).map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`)).join('');
    const list = Array.isArray(raw) ? raw : (raw as { surveys?: unknown })?.surveys;
    const index = issue.path?.find((p) => typeof p.key === 'number')?.key as number | undefined;
    const id = index !== undefined && Array.isArray(list) ? (list[index] as { id?: unknown })?.id : undefined;
    const where = (Array.isArray(raw) ? path.replace(/^\.surveys/, '') : path) || '(top level)';
    return fail(`${where}${typeof id === 'string' ? ` (survey "${id}")` : ''}: ${issue.message}`);
  }
  const { surveys, capDays = DEFAULT_CAP_DAYS } = parsed.output;
  const seen = new Set<string>();
  surveys.forEach((s, i) => {
    const at = `[${i}] (survey "${s.id}")`;
    const key = `${s.site ?? '*'}\0${s.id}`;
    if (seen.has(key)) fail(`${at}: id "${s.id}" is used twice${s.site ? ` for site "${s.site}"` : ''}`);
    seen.add(key);
    for (const stage of [...(s.stages ?? []), ...('stage' in s.trigger && s.trigger.stage ? [s.trigger.stage] : [])])
      if (!stages.includes(stage)) fail(`${at}: stage "${stage}" is not one of the stages ${stages.join(', ')}`);
    if (s.other && !s.choices) fail(`${at}: other: only single and multiple questions take it`);
    if ((s.low || s.high) && s.type !== 'scale') fail(`${at}: low/high: only scale questions take them`);
  });
  return { capDays, surveys };
}

/** The surveys of `site` (its own and those without a site; its own win on the same id), as served. */
export function surveysForSite(config: SurveysConfig | undefined, site: string): Omit<Survey, 'site'>[] {
  const mine = new Map<string, Omit<Survey, 'site'>>();
  for (const { site: only, ...s } of config?.surveys ?? []) if (only === site || (only === undefined && !mine.has(s.id))) mine.set(s.id, s);
  return [...mine.values()];
}
