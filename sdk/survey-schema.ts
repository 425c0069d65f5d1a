// Survey definitions: what the collector reads from CJM_SURVEYS (validated at start) and serves
// to the SDK at GET /surveys/<site>. Like schema.ts, the SDK imports only the types. An answer
// is a `feedback` event named "survey" (schema.ts: EVENT_TYPES, SURVEY_ANSWER), so it takes its
// page view's stage and touchpoint like every feedback. docs/surveys.md documents every field.
import * as v from 'valibot';

const token = (max: number) =>
  v.pipe(
    v.string(),
    v.regex(
      new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,${max - 1}}$`),
      `must be 1–${max} of A-Z a-z 0-9 _ . : - (starting with a letter or digit)`,
    ),
  );
const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'is empty'), v.maxLength(max, `longer than ${max} characters`));
const count = (max: number) =>
  v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(max, `must be at most ${max}`));

/** When a survey is due (docs/surveys.md, triggers). */
export const TriggerSchema = v.variant('on', [
  /** Right after a purchase (on the thank-you page). */
  v.strictObject({ on: v.literal('purchase') }),
  /** A visit that started checkout and leaves it unfinished: exit intent, or a page outside checkout. */
  v.strictObject({ on: v.literal('abandon') }),
  /** Exit intent: the pointer leaves the top of the window (desktop), or the tab is hidden. */
  v.strictObject({ on: v.literal('exit') }),
  /** The `count`-th page of this visit (in `stage`, when given). */
  v.strictObject({ on: v.literal('pages'), count: count(100), stage: v.optional(token(40)) }),
  /** `count` seconds of one page view (in `stage`, when given). */
  v.strictObject({ on: v.literal('seconds'), count: count(3600), stage: v.optional(token(40)) }),
  /** A custom or captured event of this name (`cjm.track('signup')`, data-cjm-event). */
  v.strictObject({ on: v.literal('event'), name: text(200) }),
  /** Only `cjm.survey('id')` (or a `data-cjm-survey="id"` button) shows it. */
  v.strictObject({ on: v.literal('api') }),
]);

export const QUESTION_TYPES = ['single', 'multiple', 'scale', 'text'] as const;

export const SurveySchema = v.pipe(
  v.strictObject({
    id: token(40),
    /** The site it belongs to; none: every site. The collector serves it without this field. */
    site: v.optional(token(64)),
    question: text(300),
    type: v.picklist(QUESTION_TYPES, `must be one of ${QUESTION_TYPES.join(', ')}`),
    /** single/multiple: the choices, shown and stored as given (text, never HTML). */
    choices: v.optional(
      v.pipe(
        v.array(
          v.pipe(
            text(100),
            v.check((c) => !c.includes('|'), 'must not contain "|" (it joins multiple answers)'),
          ),
        ),
        v.minLength(2, 'needs at least 2 choices'),
        v.maxLength(12, 'more than 12 choices'),
        v.check((l) => new Set(l).size === l.length, 'has a choice twice'),
      ),
    ),
    /** single/multiple: add an "Other" choice with a text field. */
    other: v.optional(v.boolean()),
    /** scale: 5 (1–5, e.g. CES or satisfaction) or 10 (1–10, NPS-style). */
    scale: v.optional(v.picklist([5, 10], 'must be 5 or 10')),
    /** scale: labels of the lowest and highest ends. */
    low: v.optional(text(60)),
    high: v.optional(text(60)),
    trigger: TriggerSchema,
    /** Targeting; a list left out matches everything. Stages of the page shown on. */
    stages: v.optional(v.array(token(40))),
    /** Page paths (`*` = any characters), as for URL rules. */
    paths: v.optional(v.array(text(200))),
    /** The visit's channel (docs/journey.md channel table). */
    channels: v.optional(v.array(text(40))),
    personas: v.optional(v.array(token(64))),
    /** Percent of visitors who may see it (decided once per visitor and survey). Default 100. */
    sample: v.optional(v.pipe(v.number(), v.minValue(0, 'must be 0–100'), v.maxValue(100, 'must be 0–100'))),
  }),
  v.check(
    (s) => (s.type === 'single' || s.type === 'multiple') === !!s.choices,
    'choices: single and multiple questions need them, the others take none',
  ),
  v.check((s) => (s.type === 'scale') === !!s.scale, 'scale: a scale question needs 5 or 10, the others take none'),
);

/** The whole CJM_SURVEYS value, as served per site (without `site` on each survey). */
export const SurveysSchema = v.strictObject({
  /** At most one survey per visitor in this many days (0: no global cap). Default 7. */
  capDays: v.optional(
    v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(0, 'must be 0–365'), v.maxValue(365, 'must be 0–365')),
  ),
  surveys: v.pipe(v.array(SurveySchema), v.maxLength(50, 'more than 50 surveys')),
});

export type Survey = v.InferOutput<typeof SurveySchema>;
export type SurveyTrigger = v.InferOutput<typeof TriggerSchema>;
/** What GET /surveys/<site> answers: the site's stages (the page's stage is worked out in the browser) and its surveys. */
export interface SiteSurveys {
  capDays: number;
  stages: string[];
  surveys: Omit<Survey, 'site'>[];
}
