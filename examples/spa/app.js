// Trip planner: a small single-page app on cjm's ESM build. Views change with
// history.pushState (each is a page view), the back button fires popstate (a page view), and the
// region filter rewrites the query with history.replaceState on the same path — which cjm
// deliberately does not count, so routers that store state in the URL make no phantom views.
import { init, track } from '/cjm.mjs';

const TRIPS = [
  {
    id: 'stubai-huts',
    name: 'Stubai hut to hut',
    region: 'alps',
    days: 6,
    gear: 'summit-tent',
    text: 'Eight huts, two glaciers in view, one long descent to Neustift.',
  },
  {
    id: 'dolomites-via',
    name: 'Dolomites via ferrata week',
    region: 'alps',
    days: 5,
    gear: 'trail-runner',
    text: 'Iron ladders by day, polenta by night.',
  },
  {
    id: 'sarek-traverse',
    name: 'Sarek traverse',
    region: 'nordic',
    days: 9,
    gear: 'basecamp-tent',
    text: 'No huts, no trails, no phone signal. Bring the storm tent.',
  },
  {
    id: 'lofoten-peaks',
    name: 'Lofoten peaks and beaches',
    region: 'nordic',
    days: 4,
    gear: 'down-jacket',
    text: 'Midnight sun on granite, cold wind off the sea.',
  },
];
const CHECKLIST = [
  'Tent or hut booking',
  'Sleeping bag rated 5 °C below the forecast',
  'Base, mid and shell layers',
  'Headlamp and spare battery',
  'Map, compass, charged phone',
];

const view = document.getElementById('view');

/** Builds an element: h('p', { class: 'muted' }, 'text', child). Text is never parsed as HTML. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

function home() {
  document.title = 'Trip planner · Northtrail';
  view.replaceChildren(
    h('h1', null, 'Plan your next trip'),
    h('p', null, 'Pick a route, see what to pack, and get the gear that fits it.'),
    h('p', null, h('a', { class: 'button', href: '/demo/spa/trips/', 'data-route': '' }, 'Browse trips')),
  );
}

function trips(url) {
  const region = url.searchParams.get('region') || 'all';
  document.title = 'Trips · Northtrail';
  const filters = h('p', { class: 'row' }, 'Region: ');
  for (const r of ['all', 'alps', 'nordic']) {
    const b = h('button', { type: 'button', class: r === region ? '' : 'secondary' }, r);
    // Same path, new query: replaceState, which cjm does not count as a page view.
    b.addEventListener('click', () => {
      history.replaceState(null, '', r === 'all' ? location.pathname : `?region=${r}`);
      trips(new URL(location.href));
    });
    filters.append(b);
  }
  const list = h('div', { class: 'grid' });
  for (const t of TRIPS.filter((t) => region === 'all' || t.region === region)) {
    list.append(
      h(
        'a',
        { class: 'card', href: `/demo/spa/trips/${t.id}/`, 'data-route': '' },
        h('h3', null, t.name),
        h('p', { class: 'muted' }, `${t.days} days · ${t.region}`),
      ),
    );
  }
  view.replaceChildren(h('h1', null, 'Trips'), filters, list);
}

function trip(id) {
  const t = TRIPS.find((x) => x.id === id);
  if (!t) return notFound();
  document.title = `${t.name} · Northtrail`;
  const save = h('button', { type: 'button', 'data-cjm-event': 'save_trip', 'data-cjm-prop-trip': t.id }, 'Save this trip');
  save.addEventListener('click', () => (save.textContent = 'Saved ✓'));
  view.replaceChildren(
    h('p', { class: 'muted' }, h('a', { href: '/demo/spa/trips/', 'data-route': '' }, 'Trips'), ` › ${t.name}`),
    h('h1', null, t.name),
    h('p', null, t.text),
    h('p', { class: 'row' }, save, h('a', { class: 'button secondary', href: `/demo/products/${t.gear}/` }, 'Gear for this trip')),
  );
}

function checklist() {
  document.title = 'Packing list · Northtrail';
  const list = h('ul');
  for (const item of CHECKLIST) list.append(h('li', null, h('label', { class: 'inline' }, h('input', { type: 'checkbox' }), item)));
  const print = h('button', { type: 'button' }, 'Print the list');
  print.addEventListener('click', () => track('print_checklist', { items: CHECKLIST.length }));
  view.replaceChildren(h('h1', null, 'Packing list'), list, print);
}

function notFound() {
  document.title = 'Not found · Northtrail';
  view.replaceChildren(h('h1', null, 'No such page'), h('p', null, h('a', { href: '/demo/spa/', 'data-route': '' }, 'Trip planner')));
}

/** Shows the view of `url`. Runs before the URL changes, so cjm's page view gets the new title. */
function render(url) {
  const path = url.pathname.replace(/^\/demo\/spa/, '') || '/';
  const m = /^\/trips\/([\w-]+)\/?$/.exec(path);
  if (path === '/' || path === '/index.html') home();
  else if (/^\/trips\/?$/.test(path)) trips(url);
  else if (m) trip(m[1]);
  else if (/^\/checklist\/?$/.test(path)) checklist();
  else notFound();
  scrollTo(0, 0);
}

// Links marked data-route change the view without a page load.
document.addEventListener('click', (e) => {
  const a = e.target instanceof Element && e.target.closest('a[data-route]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
  e.preventDefault();
  const url = new URL(a.href);
  render(url);
  if (url.pathname + url.search !== location.pathname + location.search) history.pushState(null, '', url);
});
// Registered before init(), so the back button renders (and titles) the view before cjm's
// own popstate listener records it.
addEventListener('popstate', () => render(new URL(location.href)), true);
render(new URL(location.href));

init({
  site: 'shop',
  stages: { '/demo/spa/': 'awareness', '/demo/spa/trips/*': 'consideration', '/demo/spa/checklist/': 'decision' },
});
