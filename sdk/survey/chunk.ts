// The survey chunk (cjm-survey.mjs), loaded by capture only when the collector defines surveys
// for the site: watches the journey for each survey's trigger, applies targeting, sampling and
// the frequency caps, and shows the widget (survey/widget.ts). docs/surveys.md describes it.
// It sees the page's events by wrapping `t.emit`; those emitted before it loaded (a purchase
// tracked as the thank-you page loads) it finds in the outbox, where they wait ≥ flushInterval.
import type { Props, WireEvent } from '../schema';
import type { SiteSurveys, Survey } from '../survey-schema';
import type { Tracker } from '../tracker-types';
import { keys, load, memoryOnly, save } from '../core/storage';
import { matchRule } from '../core/config';
import { on } from '../lib/lifecycle';
import { pageRole } from '../../collector/journey/page-signals';
import { stageOf } from '../../collector/journey/stages';
import { classify } from '../../collector/journey/channel';
import { showSurvey } from './widget';

type Def = Omit<Survey, 'site'>;

/** What the caps and triggers remember, per site (key `cjm_sv_<site>`). */
interface State {
  /** Survey id → when it was shown (once per person per survey). */
  shown: Record<string, number>;
  /** When any survey was last shown (the global cap), and in which visit (never twice in one). */
  last?: number;
  lastVisit?: string;
  /** Survey id → whether this visitor is in its sample (drawn once). */
  sampled: Record<string, boolean>;
  /** This visit: its id, channel, pages seen per stage, checkout started, purchase made. */
  visit?: string;
  channel?: string;
  pages: Record<string, number>;
  checkout?: boolean;
  bought?: boolean;
  persona?: string;
}

/** Checkout steps that start a checkout (a visit with one and no purchase is abandoning it). */
const CHECKOUT = /^(begin_checkout|add_shipping_info|add_payment_info)$/;
const DAY_MS = 86_400_000;

/** The stage of the page being shown, as far as the browser can tell (docs/surveys.md). */
export const pageStage = (t: Tracker, stages: readonly string[]): string =>
  document.querySelector<HTMLMetaElement>('meta[name="cjm:stage"]')?.content ||
  matchRule(t.config.stages, location.pathname) ||
  stageOf(pageRole(location.pathname, location.href, null) ?? 'awareness', stages);

/**
 * Starts watching for the surveys of `site`; returns `show(id)` for cjm.survey(id), which
 * applies the caps but not the trigger, targeting or sampling.
 */
export const startSurveys = (t: Tracker, site: SiteSurveys): ((id: string) => void) => {
  // Cookieless: this chunk has its own storage module; keep its state in memory too.
  if (t.config.cookieless) memoryOnly();
  const KEY = 'cjm_sv_' + t.config.site;
  const state = (): State => ({ shown: {}, sampled: {}, pages: {}, ...load<State>(KEY) });
  const visitId = () => load<[string]>('cjm_s')?.[0] || 'page';
  let open = false;
  let timers: ReturnType<typeof setTimeout>[] = [];

  /** The state, renewed for a new visit (its channel from this landing page). */
  const current = (): State => {
    const s = state();
    const visit = visitId();
    if (s.visit != visit)
      Object.assign(s, { visit, pages: {}, checkout: false, bought: false, channel: classify(location.href, document.referrer).channel });
    return s;
  };

  const targeted = (d: Def, s: State): boolean =>
    (!d.stages || d.stages.includes(pageStage(t, site.stages))) &&
    (!d.paths || d.paths.some((p) => matchRule({ [p]: '1' }, location.pathname))) &&
    (!d.channels || d.channels.includes(s.channel!)) &&
    (!d.personas || d.personas.includes((s.persona || t.config.persona)!));

  /**
   * Shows `d` if nothing forbids it; `auto`: a trigger fired (targeting and sampling apply).
   * Returns why it did not (said by cjm.survey() in debug mode).
   */
  const offer = (d: Def, auto: boolean): string | void => {
    const s = current();
    const now = Date.now();
    const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
    if (open) return 'another survey is open';
    if (load('cjm_optout') || (t.config.dnt && (nav.doNotTrack == '1' || nav.globalPrivacyControl)))
      return 'this browser opted out (or Do-Not-Track / GPC)';
    if (s.shown[d.id]) return 'it was shown in this browser before (once per person)';
    if (s.lastVisit == s.visit) return 'a survey was shown in this visit already';
    if (s.last && now - s.last < site.capDays * DAY_MS) return `a survey was shown less than ${site.capDays} days ago (capDays)`;
    if (auto) {
      if (!targeted(d, s)) return;
      s.sampled[d.id] ??= Math.random() * 100 < (d.sample ?? 100);
      save(KEY, s);
      if (!s.sampled[d.id]) return;
    }
    save(KEY, { ...s, shown: { ...s.shown, [d.id]: now }, last: now, lastVisit: s.visit });
    open = true;
    showSurvey(
      d,
      (props: Props) => t.emit('feedback', 'survey', props),
      () => (open = false),
    );
  };

  const fire = (test: (d: Def) => boolean) => site.surveys.filter(test).forEach((d) => offer(d, true));

  /** A page (the loaded one, or an SPA view): counts it, and starts its seconds timers. */
  const page = () => {
    const s = current();
    const stage = pageStage(t, site.stages);
    s.pages[stage] = (s.pages[stage] || 0) + 1;
    const all = Object.values(s.pages).reduce((a, b) => a + b, 0);
    // Back to browsing after starting checkout: abandoning it.
    const abandoning = s.checkout && !s.bought && !CHECKOUT.test(location.pathname) && stage != 'decision';
    save(KEY, s);
    fire(
      (d) =>
        (d.trigger.on == 'pages' &&
          (d.trigger.stage ? d.trigger.stage == stage && s.pages[stage] == d.trigger.count : all == d.trigger.count)) ||
        (d.trigger.on == 'abandon' && !!abandoning),
    );
    timers.forEach(clearTimeout);
    timers = site.surveys
      .filter((d) => d.trigger.on == 'seconds' && (!d.trigger.stage || d.trigger.stage == stage))
      .map((d) => setTimeout(() => offer(d, true), (d.trigger as { count: number }).count * 1000));
  };

  /** An event of this page: purchases, checkout steps, custom events, identify, SPA views. */
  const seen = (type: string, name: string, props?: Props) => {
    if (type == 'pageview') return page();
    const s = current();
    if (CHECKOUT.test(name)) s.checkout = true;
    if (name == 'purchase') s.bought = true;
    if (type == 'identify' && typeof props?.persona == 'string') s.persona = props.persona;
    save(KEY, s);
    fire((d) => (d.trigger.on == 'purchase' && name == 'purchase') || (d.trigger.on == 'event' && d.trigger.name == name));
  };

  // This page's events queued before this chunk arrived (oldest first), then the page itself.
  const earlier = keys('cjm_e_' + t.config.site + ':')
    .map((k) => load<{ e: WireEvent }>(k)?.e)
    .filter((e): e is WireEvent => !!e && e.url == location.href && e.ts >= performance.timeOrigin && e.type != 'pageview')
    .sort((a, b) => a.ts - b.ts);
  page();
  for (const e of earlier) seen(e.type, e.name, e.props);

  const emit = t.emit;
  t.emit = (type, name, props, touchpoint, stage) => {
    emit(type, name, props, touchpoint, stage);
    try {
      if (name != 'survey') seen(type, name, props);
    } catch {}
  };

  // Exit intent: the pointer leaves through the top of the window (desktop browsers).
  on<MouseEvent>('mouseout', (e) => {
    if (e.relatedTarget || e.clientY > 0) return;
    const s = current();
    fire((d) => d.trigger.on == 'exit' || (d.trigger.on == 'abandon' && !!s.checkout && !s.bought));
  });
  // A button or link with data-cjm-survey="id" asks for that survey.
  on<MouseEvent>('click', (e) => {
    const id = (e.target as Element).closest?.('[data-cjm-survey]')?.getAttribute('data-cjm-survey');
    if (id) show(id);
  });

  const show = (id: string) => {
    const d = site.surveys.find((x) => x.id == id);
    const why = d ? offer(d, false) : `no survey "${id}" for site "${t.config.site}" (it has: ${site.surveys.map((x) => x.id).join(', ')})`;
    if (why && t.config.debug) console.warn(`cjm debug: cjm.survey("${id}") shows nothing: ${why}`);
  };
  return show;
};
