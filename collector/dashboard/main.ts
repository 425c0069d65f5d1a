// The dashboard's entry (built to dist/dashboard/app.js): login with the admin token, the
// filter bar, and the report sections, with loading, error and empty states.
import type { JourneyReport } from '../report/types';
import { clearToken, downloadCsv, getJson, getToken, RequestFailed, setToken, Unauthorized, type Params } from './api';
import { disposeDetached } from './charts';
import { bounceSection } from './bounce';
import { comparisonSection, periodText } from './comparison';
import { byId, h, replace } from './dom';
import { filterBar, knownSites, type FilterBar } from './filters';
import { funnelSection } from './funnel';
import { journeyMap, type Rendered } from './journey-map';
import { card, empty } from './layout';
import { pathsSection } from './paths';
import { readFilters, reportParams, writeFilters, type Filters } from './state';
import { summary } from './summary';
import { voiceSection } from './voice';

const reportPath = (site: string) => `/api/sites/${encodeURIComponent(site)}/journey`;
const csvPath = (site: string) => `/api/sites/${encodeURIComponent(site)}/journey.csv`;

let filters: Filters = readFilters();
let bar: FilterBar | null = null;
let inFlight: AbortController | null = null;

const els = {
  login: () => byId<HTMLElement>('login'),
  app: () => byId<HTMLElement>('app'),
  status: () => byId<HTMLElement>('status'),
  report: () => byId<HTMLElement>('report'),
  logout: () => byId<HTMLButtonElement>('logout'),
};

/** Shows the login form, with a message saying why (wrong token, signed out…). */
function showLogin(message = ''): void {
  inFlight?.abort();
  els.app().hidden = true;
  els.logout().hidden = true;
  const form = els.login();
  form.hidden = false;
  const msg = byId('login-message');
  msg.textContent = message;
  msg.hidden = !message;
  const site = byId<HTMLInputElement>('login-site');
  if (!site.value) site.value = filters.site || knownSites()[0] || '';
  byId<HTMLInputElement>('login-token').focus();
}

function showApp(): void {
  els.login().hidden = true;
  els.app().hidden = false;
  els.logout().hidden = false;
  if (!bar) {
    bar = filterBar(filters, (patch) => {
      filters = { ...filters, ...patch };
      void load();
    });
    byId('filters').append(bar.el);
  }
}

async function onLogin(e: Event): Promise<void> {
  e.preventDefault();
  const tokenInput = byId<HTMLInputElement>('login-token');
  const siteInput = byId<HTMLInputElement>('login-site');
  const token = tokenInput.value.trim();
  const site = siteInput.value.trim();
  const button = byId<HTMLButtonElement>('login-submit');
  if (!token || !site) return;
  button.disabled = true;
  button.textContent = 'Checking…';
  filters = { ...filters, site };
  try {
    // Check the token before keeping it: a wrong one never reaches sessionStorage.
    const report = await getJson<JourneyReport>(reportPath(site), reportParams(filters), undefined, token);
    setToken(token);
    tokenInput.value = '';
    showApp();
    const siteField = document.getElementById('site') as HTMLInputElement | null;
    if (siteField) siteField.value = site;
    writeFilters(filters);
    render(report);
  } catch (err) {
    if (err instanceof Unauthorized) {
      showLogin(`That token was not accepted (${err.message}). Check CJM_ADMIN_TOKEN and try again.`);
    } else if (err instanceof RequestFailed && err.status !== 0) {
      // The token passed (auth runs first); the report itself failed: sign in and show why.
      setToken(token);
      tokenInput.value = '';
      showApp();
      showError(err.message);
    } else {
      showLogin(`Could not sign in: ${(err as Error).message}`);
    }
  } finally {
    button.disabled = false;
    button.textContent = 'Sign in';
  }
}

function logout(): void {
  clearToken();
  replace(els.report());
  disposeDetached();
  showLogin('Signed out. The token was removed from this tab.');
}

/** Loads the report for the current filters and draws it. */
async function load(): Promise<void> {
  if (!getToken()) return showLogin();
  writeFilters(filters);
  if (!filters.site) {
    replace(els.report(), empty('Enter a site id to see its journey.', 'The id is the data-site attribute of your script tag.'));
    return;
  }
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  const status = els.status();
  els.report().setAttribute('aria-busy', 'true');
  replace(status, h('span', { class: 'spinner', 'aria-hidden': 'true' }), `Loading the journey of “${filters.site}”…`);
  status.className = 'status loading';
  try {
    const report = await getJson<JourneyReport>(reportPath(filters.site), reportParams(filters), controller.signal);
    if (controller.signal.aborted) return;
    render(report);
  } catch (err) {
    if ((err as Error).name === 'AbortError') return;
    if (err instanceof Unauthorized) {
      clearToken();
      return showLogin(`Your session ended: the collector refused the admin token (${err.message}). Sign in again.`);
    }
    showError(err instanceof RequestFailed ? err.message : String(err));
  } finally {
    if (inFlight === controller) {
      inFlight = null;
      els.report().removeAttribute('aria-busy');
    }
  }
}

/** The error banner over the report, with a retry button. */
function showError(message: string): void {
  const status = els.status();
  replace(status, h('span', null, `Could not load the report: ${message}`), h('button', { type: 'button', class: 'secondary', onclick: () => void load() }, 'Try again'));
  status.className = 'status error';
}

/** A CSV download button: fetches with the bearer header and saves a Blob (no token in a URL). */
function csvButton(table: string | null, text = 'Download CSV'): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'secondary csv', 'data-table': table ?? 'all' }, text);
  button.addEventListener('click', async () => {
    const params: Params = { ...reportParams(filters), table: table ?? undefined };
    const site = filters.site;
    button.disabled = true;
    try {
      await downloadCsv(csvPath(site), params, `${site}-journey${table ? `-${table}` : ''}.csv`);
    } catch (err) {
      if (err instanceof Unauthorized) {
        clearToken();
        return showLogin(`Your session ended: the collector refused the admin token (${err.message}). Sign in again.`);
      }
      const status = els.status();
      replace(status, `Could not download the CSV: ${(err as Error).message}`);
      status.className = 'status error';
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

function render(report: JourneyReport): void {
  const status = els.status();
  replace(status);
  status.className = 'status';
  bar?.update(report);
  const compare = filters.compare;
  const head = h(
    'div',
    { class: 'report-head' },
    h('div', null, h('h1', null, 'Journey of ', h('span', { class: 'site-name' }, report.site)), h('p', { class: 'muted' }, periodText(report.query.from, report.query.to), filterText())),
    csvButton(null, 'Download all as CSV'),
  );
  const sections: Rendered[] = [];
  if (report.totals.sessions === 0) {
    sections.push({
      el: card(
        'map',
        'Journey map',
        'Nothing to draw yet.',
        null,
        empty(
          `No visits recorded for “${report.site}” in this period${filterText() ? ' with these filters' : ''}.`,
          'Check the site id, choose a longer period or clear the filters. New sites: add the cjm script tag with data-site set to this id.',
        ),
      ),
    });
  } else {
    const map = journeyMap(report, compare);
    sections.push({
      el: card(
        'map',
        'Journey map',
        'Each column is a stage of your journey, in order; each row is one element of a journey map. Hover a chart for details.',
        csvButton('stages'),
        map.el,
      ),
      drawCharts: map.drawCharts,
    });
    sections.push(funnelSection(report.funnel, csvButton('funnel')));
    sections.push(pathsSection(report, filters, (choice) => {
      filters = { ...filters, ...choice };
      void load();
    }, csvButton('paths')));
    sections.push({ el: bounceSection(report.bounceByLanding, report.query.minSessions ?? 5, csvButton('bounce')) });
    sections.push({ el: voiceSection(report.voice, [csvButton('surveys', 'Answers CSV'), csvButton('comments', 'Comments CSV')]) });
    if (compare) sections.push({ el: comparisonSection(report, csvButton('comparison')) });
  }
  replace(els.report(), head, summary(report, compare), sections.map((s) => s.el));
  for (const s of sections) s.drawCharts?.();
  disposeDetached();
}

/** " · persona: x, channel: y" for the active filters. */
function filterText(): string {
  const parts = (['persona', 'channel', 'device', 'country'] as const).filter((k) => filters[k]).map((k) => `${k}: ${filters[k]}`);
  return parts.length ? ` · ${parts.join(', ')}` : '';
}

function start(): void {
  byId('login').addEventListener('submit', (e) => void onLogin(e));
  els.logout().addEventListener('click', logout);
  if (getToken()) {
    showApp();
    void load();
  } else showLogin();
}

start();
