// The filter bar: site, period (presets or custom dates), persona / channel / device / country,
// source / medium / campaign / content / term,
// and the period-comparison toggle. Built once; the menus' options follow each report.
import type { JourneyReport } from '../report/types';
import { h } from './dom';
import { isoDate, period, type Filters, type RangePreset } from './state';

type Dimension = 'persona' | 'channel' | 'device' | 'country' | 'source' | 'medium' | 'campaign' | 'content' | 'term';
const DIMENSIONS: [Dimension, keyof JourneyReport['dimensions'], string][] = [
  ['persona', 'personas', 'All personas'],
  ['channel', 'channels', 'All channels'],
  ['device', 'devices', 'All devices'],
  ['country', 'countries', 'All countries'],
  // The visit's campaign (UTM) values.
  ['source', 'sources', 'All sources'],
  ['medium', 'mediums', 'All mediums'],
  ['campaign', 'campaigns', 'All campaigns'],
  ['content', 'contents', 'All contents'],
  ['term', 'terms', 'All terms'],
];

const SITES_KEY = 'cjm.sites';

/** Sites this browser has opened before (not secret: kept in localStorage for the site menu). */
export function knownSites(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(SITES_KEY) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string').slice(0, 20) : [];
  } catch {
    return [];
  }
}

/** Remembers a site that loaded, most recent first. */
export function rememberSite(site: string): void {
  try {
    localStorage.setItem(SITES_KEY, JSON.stringify([site, ...knownSites().filter((s) => s !== site)].slice(0, 20)));
  } catch {
    // storage full or blocked: the menu just stays shorter
  }
}

export interface FilterBar {
  el: HTMLElement;
  /** Refills the dimension menus from a report, keeping the current choices. */
  update(report: JourneyReport): void;
}

const label = (text: string, control: HTMLElement, cls = 'field') => h('label', { class: cls }, h('span', null, text), control);

/**
 * Builds the bar. `onChange` gets the changed filters (the caller saves and reloads).
 * @example const bar = filterBar(readFilters(), (f) => load(f)); header.append(bar.el);
 */
export function filterBar(initial: Filters, onChange: (patch: Partial<Filters>) => void): FilterBar {
  const sitesList = h(
    'datalist',
    { id: 'site-list' },
    knownSites().map((s) => h('option', { value: s })),
  );
  const site = h('input', {
    type: 'text',
    id: 'site',
    list: 'site-list',
    value: initial.site,
    required: true,
    spellcheck: 'false',
    autocomplete: 'off',
    size: '12',
  });
  site.addEventListener('change', () => {
    const v = site.value.trim();
    if (v) onChange({ site: v });
  });

  const range = h(
    'select',
    { id: 'range' },
    (
      [
        ['7', 'Last 7 days'],
        ['30', 'Last 30 days'],
        ['90', 'Last 90 days'],
        ['custom', 'Custom dates…'],
      ] as [RangePreset, string][]
    ).map(([v, t]) => h('option', { value: v, selected: v === initial.range }, t)),
  );
  const p = period(initial);
  const from = h('input', { type: 'date', id: 'from', 'aria-label': 'From', value: initial.from || isoDate(p.from) });
  const to = h('input', { type: 'date', id: 'to', 'aria-label': 'To (inclusive)', value: initial.to || isoDate(p.to - 1) });
  const custom = h(
    'span',
    { class: 'custom-range', hidden: initial.range !== 'custom' },
    from,
    h('span', { 'aria-hidden': 'true' }, '–'),
    to,
  );
  range.addEventListener('change', () => {
    custom.hidden = range.value !== 'custom';
    onChange({ range: range.value as RangePreset, from: from.value, to: to.value });
  });
  const onDates = () => {
    if (from.value && to.value && from.value <= to.value) onChange({ range: 'custom', from: from.value, to: to.value });
  };
  from.addEventListener('change', onDates);
  to.addEventListener('change', onDates);

  const menus = new Map<Dimension, HTMLSelectElement>();
  const dimensionFields = DIMENSIONS.map(([key, , all]) => {
    const select = h('select', { id: `filter-${key}` }, h('option', { value: '' }, all));
    if (initial[key]) select.append(h('option', { value: initial[key], selected: true }, initial[key]));
    select.addEventListener('change', () => onChange({ [key]: select.value }));
    menus.set(key, select);
    return label(key[0]!.toUpperCase() + key.slice(1), select);
  });

  const compare = h('input', { type: 'checkbox', id: 'compare', checked: initial.compare });
  compare.addEventListener('change', () => onChange({ compare: compare.checked }));

  const el = h(
    'form',
    { class: 'filters', 'aria-label': 'Filters', onsubmit: (e: Event) => e.preventDefault() },
    label('Site', site),
    sitesList,
    label('Period', h('span', { class: 'period' }, range, custom)),
    dimensionFields,
    h('label', { class: 'toggle' }, compare, h('span', null, 'Compare with previous period')),
  );

  return {
    el,
    update(report) {
      for (const [key, dim, all] of DIMENSIONS) {
        const select = menus.get(key)!;
        const current = select.value;
        const values = new Set(report.dimensions[dim] ?? []);
        if (current) values.add(current);
        select.replaceChildren(
          h('option', { value: '' }, all),
          ...[...values].sort().map((v) => h('option', { value: v, selected: v === current }, v)),
        );
        // An empty country menu is a setup question, not a lack of visitors: say where countries come from.
        select.title =
          key === 'country' && !values.size
            ? 'No country in this period: countries come from a CF-IPCountry or X-Country header (Cloudflare, or your reverse proxy); see docs/privacy.md'
            : '';
      }
      rememberSite(report.site);
      sitesList.replaceChildren(...knownSites().map((s) => h('option', { value: s })));
    },
  };
}
