// The dashboard's entry (built to dist/dashboard/app.js): login with the admin token, the
// filter bar, and the report sections, with loading, error and empty states.
import type { AttributionReport } from '../report/attribution';
import type { EventProperties } from '../report/custom-events';
import type { CampaignKey, CampaignReport } from '../report/campaigns';
import type { PeopleReport, PersonTimeline } from '../report/people';
import type { JourneyReport } from '../report/types';
import type { GoalsReport } from '../report/goals';
import type { EngagementReport } from '../report/engagement';
import type { SegmentSummary } from '../report/segments';
import type { PersonPaths } from '../report/person-paths';
import { clearToken, downloadCsv, getJson, getToken, RequestFailed, setToken, Unauthorized, type Params } from './api';
import { disposeDetached } from './charts';
import { attributionSection } from './attribution';
import { bounceSection } from './bounce';
import { campaignsSection } from './campaigns';
import { comparisonSection, periodText } from './comparison';
import { byId, h, replace } from './dom';
import { filterBar, knownSites, type FilterBar } from './filters';
import { fetchFoldNotice } from './fold';
import { engagementSection } from './engagement';
import { funnelSection } from './funnel';
import { goalPicker, goalsSection } from './goals';
import { journeyMap, type Rendered } from './journey-map';
import { card, empty } from './layout';
import { botNote, customEventsSection, timelineSection } from './overview';
import { overTimeSection } from './over-time';
import { pathsSection, type PathChoice } from './paths';
import { peopleSection } from './people';
import { segmentsSection } from './segments';
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

/** The header's note on events acknowledged but not stored yet, or on failing storage. */
async function showFold(): Promise<void> {
  const note = await fetchFoldNotice();
  const el = byId('fold');
  el.textContent = note;
  el.hidden = !note;
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
    void showFold();
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
  replace(
    status,
    h('span', null, `Could not load the report: ${message}`),
    h('button', { type: 'button', class: 'secondary', onclick: () => void load() }, 'Try again'),
  );
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
    h(
      'div',
      null,
      h('h1', null, 'Journey of ', h('span', { class: 'site-name' }, report.site)),
      h('p', { class: 'muted' }, periodText(report.query.from, report.query.to), filterText()),
    ),
    csvButton(null, 'Download all as CSV'),
  );
  const sections: Rendered[] = [];
  // The first screen: visitors over time and the custom events, above the journey map.
  const properties = (name: string) =>
    getJson<EventProperties>(
      `/api/sites/${encodeURIComponent(report.site)}/custom-events/${encodeURIComponent(name)}`,
      reportParams(filters),
    );
  const overview = [timelineSection(report), { el: customEventsSection(report, properties) }];
  if (report.totals.sessions === 0) {
    sections.push({
      el: card(
        'map',
        'Journey map',
        'Nothing to draw yet.',
        null,
        empty(
          `No visits recorded for “${report.site}” in this period${filterText() ? ' with these filters' : ''}.`,
          report.excluded.botEvents
            ? 'Only bot events arrived (see the note above): send test traffic from a normal browser, or from a server with a channel.'
            : 'Check the site id, choose a longer period or clear the filters. New sites: add the cjm script tag with data-site set to this id.',
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
    sections.push(overTimeSection(report, csvButton('overTime')));
    {
      const site = encodeURIComponent(report.site);
      const shared = () => {
        const { from, to, persona, channel, device, country, source, medium, campaign, content, term } = reportParams(filters);
        return { from, to, persona, channel, device, country, source, medium, campaign, content, term } as Params;
      };
      sections.push({
        el: segmentsSection(
          report,
          (a, b) =>
            void downloadCsv(`/api/sites/${site}/segments.csv`, { ...shared(), a, b }, `${filters.site}-segments.csv`).catch(() => {}),
          async (a, b) => (await getJson<{ segments: SegmentSummary[] }>(`/api/sites/${site}/segments`, { ...shared(), a, b })).segments,
        ),
      });
    }
    sections.push(
      funnelSection(report.funnel, csvButton('funnel'), (funnelBy) => {
        filters = { ...filters, funnelBy };
        void load();
      }),
    );
    const onPaths = (choice: PathChoice) => {
      filters = { ...filters, ...choice };
      void load();
    };
    if (filters.pathsBy === 'person') {
      const slot = h('div', { id: 'paths-slot' });
      sections.push({ el: slot });
      void loadPersonPaths(slot, report, onPaths);
    } else sections.push(pathsSection(report, filters, onPaths, csvButton('paths')));
    sections.push({
      el: bounceSection(report.bounceByLanding, report.query.minSessions ?? filters.minSessions, csvButton('bounce'), (minSessions) => {
        filters = { ...filters, minSessions };
        void load();
      }),
    });
    sections.push({
      el: voiceSection(report.voice, [
        csvButton('surveys', 'Answers CSV'),
        csvButton('attribution', 'Self-reported vs measured CSV'),
        csvButton('comments', 'Comments CSV'),
        csvButton('scores', 'Scores per stage CSV'),
      ]),
    });
    if (compare) sections.push({ el: comparisonSection(report, csvButton('comparison')) });
    const slot = h('div', { id: 'attribution-slot' });
    sections.push({ el: slot });
    void loadAttribution(slot);
    const engagementSlot = h('div', { id: 'engagement-slot' });
    sections.push({ el: engagementSlot });
    void loadEngagement(engagementSlot);
    const peopleSlot = h('div', { id: 'people-slot' });
    sections.push({ el: peopleSlot });
    void loadPeople(peopleSlot, {});
  }
  replace(
    els.report(),
    head,
    botNote(report),
    summary(report, compare),
    h(
      'div',
      { class: 'overview' },
      overview.map((s) => s.el),
    ),
    sections.map((s) => s.el),
  );
  for (const s of [...overview, ...sections]) s.drawCharts?.();
  disposeDetached();
}

/**
 * Fills `slot` with the attribution card of the current period (its own request, after the map),
 * for the goal in the URL (`goal`; purchases by default), and the goals card.
 */
async function loadAttribution(slot: HTMLElement): Promise<void> {
  const goal = filters.goal;
  const site = encodeURIComponent(filters.site);
  const { from, to, persona, device, country, channel, source, medium, campaign, content, term } = reportParams(filters);
  const params: Params = { from, to, persona, device, country, goal: goal === 'purchase' ? undefined : goal };
  const goalParams: Params = { from, to, persona, device, country, channel, source, medium, campaign, content, term };
  try {
    const [r, goals] = await Promise.all([
      getJson<AttributionReport>(`/api/sites/${site}/attribution`, params),
      getJson<GoalsReport>(`/api/sites/${site}/goals`, goalParams).catch(() => null),
    ]);
    const csv = h('button', { type: 'button', class: 'secondary csv', 'data-table': 'attribution' }, 'Download CSV');
    csv.addEventListener(
      'click',
      () => void downloadCsv(`/api/sites/${site}/attribution.csv`, params, `${filters.site}-attribution.csv`).catch(() => {}),
    );
    // The choice is kept in the URL like the filters: a shared link shows the same goal.
    const pick = (next: string) => {
      filters = { ...filters, goal: next };
      writeFilters(filters);
      void loadAttribution(slot);
    };
    const campaignsSlot = h('div');
    const goalsCsv = h('button', { type: 'button', class: 'secondary csv', 'data-table': 'goals' }, 'Download CSV');
    goalsCsv.addEventListener(
      'click',
      () => void downloadCsv(`/api/sites/${site}/goals.csv`, goalParams, `${filters.site}-goals.csv`).catch(() => {}),
    );
    replace(
      slot,
      campaignsSlot,
      attributionSection(r, csv, !!filters.channel, goalPicker(goals, goal, pick)),
      goals
        ? goalsSection(goals, goalsCsv, (g) => {
            pick(g);
            slot.scrollIntoView();
          })
        : null,
    );
    await loadCampaigns(campaignsSlot, 'campaign', r.currency ? `${r.currency} ` : '');
  } catch (err) {
    replace(
      slot,
      card('attribution', 'Attribution across visits', '', null, empty(`Could not load attribution: ${(err as Error).message}`)),
    );
  }
}

/** Fills `slot` with the paths card drawn per person across visits (its own request). */
async function loadPersonPaths(slot: HTMLElement, report: JourneyReport, onChange: (c: PathChoice) => void): Promise<void> {
  const site = encodeURIComponent(filters.site);
  const { from, to, persona, channel, device, country, source, medium, campaign, content, term, pathFrom, pathTo, pathSteps } =
    reportParams(filters);
  const params: Params = {
    from,
    to,
    persona,
    channel,
    device,
    country,
    source,
    medium,
    campaign,
    content,
    term,
    pathFrom,
    pathTo,
    pathSteps,
  };
  try {
    const people = await getJson<PersonPaths>(`/api/sites/${site}/person-paths`, params);
    const csv = h('button', { type: 'button', class: 'secondary csv', 'data-table': 'person-paths' }, 'Download CSV');
    csv.addEventListener(
      'click',
      () => void downloadCsv(`/api/sites/${site}/person-paths.csv`, params, `${filters.site}-person-paths.csv`).catch(() => {}),
    );
    const r = pathsSection(report, filters, onChange, csv, people);
    replace(slot, r.el);
    r.drawCharts?.();
  } catch (err) {
    replace(
      slot,
      card('paths', 'Paths through the site', '', null, empty(`Could not load the paths per person: ${(err as Error).message}`)),
    );
  }
}

/** Fills `slot` with the engaged time and scroll depth card (its own request). */
async function loadEngagement(slot: HTMLElement): Promise<void> {
  const site = encodeURIComponent(filters.site);
  const { from, to, persona, channel, device, country, source, medium, campaign, content, term } = reportParams(filters);
  const params: Params = { from, to, persona, channel, device, country, source, medium, campaign, content, term };
  try {
    const r = await getJson<EngagementReport>(`/api/sites/${site}/engagement`, params);
    const buttons = (['stages', 'landing'] as const).map((table) => {
      const b = h(
        'button',
        { type: 'button', class: 'secondary csv', 'data-table': `engagement-${table}` },
        table === 'stages' ? 'Stages CSV' : 'Landing pages CSV',
      );
      b.addEventListener(
        'click',
        () =>
          void downloadCsv(`/api/sites/${site}/engagement.csv`, { ...params, table }, `${filters.site}-engagement-${table}.csv`).catch(
            () => {},
          ),
      );
      return b;
    });
    replace(slot, engagementSection(r, buttons));
  } catch (err) {
    replace(
      slot,
      card('engagement', 'Engaged time and scroll depth', '', null, empty(`Could not load engagement: ${(err as Error).message}`)),
    );
  }
}

/** Fills `slot` with the campaigns and segments card, broken down by `by`. */
async function loadCampaigns(slot: HTMLElement, by: CampaignKey, currency: string): Promise<void> {
  const site = encodeURIComponent(filters.site);
  const { from, to, persona, channel, device, country, source, medium, campaign, content, term } = reportParams(filters);
  const params: Params = { from, to, persona, channel, device, country, source, medium, campaign, content, term, by };
  try {
    const r = await getJson<CampaignReport>(`/api/sites/${site}/campaigns`, params);
    const csv = h('button', { type: 'button', class: 'secondary csv', 'data-table': 'campaigns' }, 'Download CSV');
    csv.addEventListener(
      'click',
      () => void downloadCsv(`/api/sites/${site}/campaigns.csv`, params, `${filters.site}-${by}.csv`).catch(() => {}),
    );
    replace(
      slot,
      campaignsSection(r, csv, currency, (next) => void loadCampaigns(slot, next, currency)),
    );
  } catch (err) {
    replace(slot, card('campaigns', 'Campaigns and segments', '', null, empty(`Could not load campaigns: ${(err as Error).message}`)));
  }
}

/** Fills `slot` with the people card (its own request); its tabs and pages load it again. */
async function loadPeople(slot: HTMLElement, choice: { stage?: string; abandoned?: boolean; page?: number }): Promise<void> {
  const site = encodeURIComponent(filters.site);
  const { from, to, persona } = reportParams(filters);
  const params: Params = {
    from,
    to,
    persona,
    stage: choice.stage,
    abandoned: choice.abandoned ? 1 : undefined,
    page: choice.page || undefined,
  };
  try {
    const r = await getJson<PeopleReport>(`/api/sites/${site}/people`, params);
    const csv = h('button', { type: 'button', class: 'secondary csv', 'data-table': 'people' }, 'Download CSV');
    csv.addEventListener(
      'click',
      () => void downloadCsv(`/api/sites/${site}/people.csv`, params, `${filters.site}-people.csv`).catch(() => {}),
    );
    replace(
      slot,
      peopleSection(
        r,
        {
          list: (c) => void loadPeople(slot, c),
          person: (id) => getJson<PersonTimeline>(`/api/sites/${site}/people/${encodeURIComponent(id)}`, {}),
        },
        csv,
      ),
    );
  } catch (err) {
    replace(slot, card('people', 'People', '', null, empty(`Could not load people: ${(err as Error).message}`)));
  }
}

/** " · persona: x, channel: y" for the active filters. */
function filterText(): string {
  const parts = (['persona', 'channel', 'device', 'country', 'source', 'medium', 'campaign', 'content', 'term'] as const)
    .filter((k) => filters[k])
    .map((k) => `${k}: ${filters[k]}`);
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
