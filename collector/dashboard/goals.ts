// Goals declared without code (report/goals.ts; docs/report.md "Goals"): each goal's
// conversions and conversion rate, and per stage the share of the people who reached it that
// went on to do the goal; and the goal picker of the attribution card. Names are text.
import type { GoalsReport } from '../report/goals';
import { h, type Child } from './dom';
import { int, pct } from './format';
import { card, empty } from './layout';

/** A goal as the dashboard names it: its label, else the goal itself. */
const goalName = (g: { goal: string; label: string | null }) => g.label || g.goal;

/**
 * The attribution card's goal picker: purchases (default) or one of the site's goals; `onPick`
 * reloads the attribution with it.
 */
export function goalPicker(r: GoalsReport | null, current: string, onPick: (goal: string) => void): HTMLElement {
  const listed = [{ goal: 'purchase', label: 'Purchases' as string | null }, ...(r?.goals ?? [])];
  // A goal from the URL that the site does not declare (a link from another site) stays shown.
  const options = listed.some((g) => g.goal === current) ? listed : [...listed, { goal: current, label: null }];
  return h(
    'label',
    { class: 'field goal-picker' },
    h('span', null, 'Goal'),
    h(
      'select',
      { id: 'attribution-goal', onchange: (e: Event) => onPick((e.target as HTMLSelectElement).value) },
      options.map((g) => h('option', { value: g.goal, selected: g.goal === current }, goalName(g))),
    ),
  );
}

/** The goals card; `onAttribute` shows a goal's attribution in the attribution card. */
export function goalsSection(r: GoalsReport, csv: Child, onAttribute: (goal: string) => void): HTMLElement {
  const legend = [
    'Custom events and pages declared as goals (CJM_GOALS, or POST /api/sites/…/goals), no code change. ',
    'Conversions: people who did it in the period; rate: of all the period’s people. ',
    'Per stage: of the people who reached the stage, the share who did the goal after getting there.',
  ];
  if (!r.goals.length) return card('goals', 'Goals', legend, csv, empty('No goals declared for this site yet.'));
  const stages = r.goals[0]!.stages.map((s) => s.stage);
  return card(
    'goals',
    'Goals',
    legend,
    csv,
    h(
      'table',
      { class: 'data goals' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'Goal'),
          h('th', { class: 'num' }, 'Conversions'),
          h('th', { class: 'num' }, 'Rate'),
          stages.map((s) => h('th', { class: 'num', title: `Reached ${s} → did the goal` }, `${s} →`)),
          h('th', null, ''),
        ),
      ),
      h(
        'tbody',
        null,
        r.goals.map((g) =>
          h(
            'tr',
            null,
            h(
              'td',
              null,
              h(
                'span',
                {
                  class: 'clip',
                  title: `${g.goal} (${g.kind === 'page' ? 'page' : 'event'}, ${g.declared === 'config' ? 'CJM_GOALS' : 'API'})`,
                },
                goalName(g),
              ),
            ),
            h('td', { class: 'num' }, int(g.conversions)),
            h('td', { class: 'num' }, pct(g.conversionRate)),
            g.stages.map((s) => h('td', { class: 'num', title: `${int(s.thenGoal)} of ${int(s.reached)}` }, pct(s.rate))),
            h('td', null, h('button', { type: 'button', class: 'link', onclick: () => onAttribute(g.goal) }, 'Attribution')),
          ),
        ),
      ),
    ),
  );
}
