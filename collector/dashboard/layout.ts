// The building blocks every section shares: a card with a title, a one-line legend and
// actions (CSV download), and the empty-state message.
import { h, type Child } from './dom';

/** A section card: heading, legend (what the figure means), optional actions, body. */
export function card(
  id: string,
  title: string,
  legend: Child | Child[],
  actions: Child | Child[],
  ...body: (Child | Child[])[]
): HTMLElement {
  return h(
    'section',
    { class: 'card', id, 'aria-labelledby': `${id}-title` },
    h(
      'header',
      { class: 'card-head' },
      h('div', null, h('h2', { id: `${id}-title` }, title), h('p', { class: 'legend' }, legend)),
      h('div', { class: 'actions' }, actions),
    ),
    ...body,
  );
}

/** The message shown where a figure has nothing to draw. */
export function empty(text: string, hint?: string): HTMLElement {
  return h('div', { class: 'empty' }, h('p', null, text), hint ? h('p', { class: 'muted' }, hint) : null);
}
