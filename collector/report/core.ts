// The core figures of one period (stages, totals, landing pages, channel mix, time to reach).
// One statement reads the period's sessions, each with its first time in every stage (NULL:
// not reached), landing view and bounce inputs: those lying wholly within the period's whole
// hours as report_sessions keeps them (migration 0007), the others grouped from their
// report_stages rows (sql.ts sessionSplit). They come back as one JSON text, and the per-session
// and per-visitor figures are counted here: SQLite's row-at-a-time GROUP BY and materialized
// tables cost several times more than building and parsing that text (docs/report.md). The
// rows with a pain point, feedback or purchase (few), the totals and the visits before a first
// purchase are aggregated in SQL. Rows are tagged with their `kind`, in one shape: kind, a
// (text; the sessions and parts rows carry the referrers' and buyers' JSON text there), n1…n7
// (numbers) and j (JSON text).
//
// Per person (docs/report.md, stages): "reached stage X in the period" is "has an event of
// stage X in the period"; reach counts those who reached X or a later stage, entry the stage of
// a person's first event in the period, and completion what finishing X means (completionMeans).
import { HOUR_MS } from '../store/report-sql';
import type { Store } from '../store/types';
import { BOUNCE_ENGAGED_MS, type LandingFacts } from './sessions';
import { byKey, filterSql, isFiltered, keys, median, medianSql, num, numOrNull, sessionSplit, Sql, type Scope } from './sql';
import { byCount, NO_CHANNEL } from './stages';
import type { CompletionMeans, Count } from './types';

export interface StageSums {
  visitors: number;
  sessions: number;
  fbN: number;
  fbSum: number;
  /** Sessions with a pain point in the stage. */
  pained: number;
  /** People who reached this stage or a later one. */
  reachedOrLater: number;
  /** People whose first event in the period is in this stage. */
  entered: number;
  /** Of this stage's visitors, those who completed it (completionMeans). */
  completed: number;
}

/**
 * What completing stage i of `stages` means: the default journey's decision, retention and
 * advocacy (by name, in any list) have their own definition; any other stage is completed by
 * reaching a later one, and the last such stage has none.
 */
export function completionMeans(stages: readonly string[], i: number): CompletionMeans | null {
  switch (stages[i]) {
    case 'decision':
      return 'purchase';
    case 'retention':
      return 'repeat-or-return';
    case 'advocacy':
      return 'referral';
  }
  return i + 1 < stages.length ? 'next-stage' : null;
}

/** Event names that make an advocate a referrer (prefixes: share…, refer… (referral), invite…, recommend…), as opposed to only a review. */
export const REFERRAL_PREFIXES = ['share', 'refer', 'invite', 'recommend'] as const;
const REFERRAL = `(${REFERRAL_PREFIXES.map((p) => `name GLOB '${p}*'`).join(' OR ')})`;

export interface CoreFacts {
  perStage: Map<string, StageSums>;
  landing: LandingFacts[];
  sums: { visitors: number; sessions: number; pageviews: number; touches: number; purchases: number; revenue: number; buying: number };
  medianVisitsToPurchase: number | null;
  /** detail only: sessions per stage and channel, most first. */
  channels: Map<string, Count[]>;
  /** detail only: median ms from first touch to each stage. */
  timeToReach: Map<string, number>;
  /** detail only: the period's people by the furthest stage they ever reached (visitor_stages), by stage. */
  current: Map<string, number>;
}

/** First time in each stage, in the site's order (null: not reached). */
type Times = (number | null)[];
/** One session: visitor (its least), whether it has one visitor and one channel, channel (its least), bounced, landing path, landing stage, first time per stage. */
type SessionLine = [string, 0 | 1, string, 0 | 1, string | null, string | null, Record<string, number | null>];
/** Events without a session, or a session with several visitors or channels, per session, visitor and channel: session, visitor, channel, Times…. */
type PartLine = [string, string, string, ...unknown[]];

/** Each time of `into` lowered to the one of `t` where that is earlier. */
function lower(into: Times, t: Times): void {
  for (let i = 0; i < t.length; i++) if (t[i] != null && (into[i] == null || t[i]! < into[i]!)) into[i] = t[i]!;
}

/** Parses a JSON array text (or NULL) of lines. */
const lines = <T>(j: unknown): T[] => (j == null ? [] : (JSON.parse(String(j)) as T[]));

/**
 * Called with every visit's first time in each stage (index in the site's order) as the session
 * lines are read: what the over-time figures (over-time.ts) bucket, at no extra query.
 */
export type StageTimeSink = (visitor: string, stage: number, time: number) => void;

export async function coreFacts(store: Store, scope: Scope, stages: readonly string[], detail: boolean, onStageTime?: StageTimeSink): Promise<CoreFacts> {
  const q = new Sql();
  const { whole, rest, hours } = sessionSplit(q, scope);
  const site = q.p(scope.site);
  const from = q.p(scope.from);
  const to = q.p(scope.to);
  const st = stages.map((s) => q.p(s));
  const n = stages.length;
  const idx = stages.map((_, i) => i);
  /** Columns `${name}0…` joined with ', ', each built by `f(i)`. */
  const cols = (f: (i: number) => string) => idx.map(f).join(', ');
  /** First time in each stage over rows grouped by the caller, as t0…. */
  const reached = cols((i) => `MIN(CASE WHEN stage = ${st[i]} THEN first_time END) AS t${i}`);
  const bounced = (pv: string, eng: string, ia: string) => `${pv} = 1 AND ${eng} < ${BOUNCE_ENGAGED_MS} AND ${ia} = 0`;
  /** JSON array text of the rows of `from`, each the JSON array of `line`. */
  const jsonLines = (line: string, from: string) => `(SELECT '[' || group_concat(json_array(${line})) || ']' FROM ${from})`;
  // Figures of the few rows with a pain point, feedback or purchase: a filtered scan of the
  // period's rows (cheaper than looking up the rows of the sessions that have them); the partial
  // hours' rows are r0's (its rows outside the whole hours).
  // The advocacy stage's rows too (few), for its referrers.
  const adv = stages.includes('advocacy') ? q.p('advocacy') : null;
  const RARE = 'hour, stage, session, visitor, pains, feedbacks, feedback_sum, purchases';
  const isRare = `pains > 0 OR feedbacks > 0 OR purchases > 0${adv ? ` OR stage = ${adv}` : ''}`;
  let rare = `SELECT ${RARE} FROM r0 WHERE ${isRare}`;
  if (hours) {
    const [h0, h1] = [q.p(hours[0]), q.p(hours[1])];
    rare = `SELECT ${RARE} FROM report_stages WHERE site = ${site} AND hour >= ${h0} AND hour < ${h1}${filterSql(q, scope, 'rollup')} AND (${isRare})
      UNION ALL SELECT ${RARE} FROM r0 WHERE (hour < ${h0} OR hour >= ${h1}) AND (${isRare})`;
  }
  // One line per session: visitor, one visitor and channel (1/0), channel, bounced (1/0), landing
  // path (NULL: no page view), its stage, and the first time per stage as an object keyed by
  // stage. The whole sessions' lines are stored as such (report_sessions.summary).
  const sessionLines = [
    ...(whole ? [`SELECT summary AS l ${whole}`] : []),
    `SELECT json_array(v1, v1 = v2 AND c1 = c2, c1, ${bounced('pv', 'eng', 'ia')}, lp, ls, json_object(${cols((i) => `${st[i]}, t${i}`)})) AS l FROM u`,
  ].join(' UNION ALL ');
  // Per person with a purchase in the period: the stages of their purchases (decision and
  // retention completion).
  const buy = jsonLines('visitor, stage', `(SELECT visitor, stage FROM x WHERE purchases > 0 AND visitor <> '' GROUP BY visitor, stage)`);
  // Advocates who referred: an advocacy event named share…, refer…, invite… or recommend… in the
  // period, looked up in the few sessions (and session-less rows) with advocacy rows.
  let refer = 'NULL';
  if (adv) {
    // Only the events of the row's hour (its session's few there), within the period.
    const referred = (index: string, where: string) => `EXISTS (SELECT 1 FROM events e INDEXED BY ${index} WHERE e.site = ${site} AND ${where}
      AND e.time >= MAX(${from}, x.hour * ${HOUR_MS}) AND e.time < MIN(${to}, (x.hour + 1) * ${HOUR_MS})
      AND e.bot = 0 AND e.stage = ${adv} AND ${REFERRAL}${filterSql(q, scope, 'events')})`;
    refer = jsonLines('visitor', `(SELECT DISTINCT visitor FROM x WHERE stage = ${adv} AND visitor <> '' AND (
        (session <> '' AND ${referred('events_site_session', 'e.session = x.session AND e.visitor = x.visitor')})
        OR (session = '' AND ${referred('events_site_visitor', 'e.visitor = x.visitor AND e.session IS NULL')})))`);
  }
  // At most 5 terms (D1 limits a compound SELECT to 5): the referrers and the buyers ride in the
  // `a` column of the sessions and parts rows.
  const parts = [
    `SELECT 'sessions' AS kind, ${refer} AS a, 0 AS n1, 0 AS n2, 0 AS n3, 0 AS n4, 0 AS n5, 0 AS n6, 0 AS n7, '[' || group_concat(l) || ']' AS j FROM (${sessionLines})`,
    `SELECT 'parts', ${buy}, 0, 0, 0, 0, 0, 0, 0, ${jsonLines(`session, visitor, channel, ${cols((i) => `t${i}`)}`, 'fb')}`,
    `SELECT 'rare', j.key, ${byKey('fn', n)}, ${byKey('fs', n)}, ${byKey('sp', n)}, 0, 0, 0, 0, NULL
     FROM (SELECT ${cols((i) => `SUM(CASE WHEN stage = ${st[i]} THEN fn END) AS fn${i}, SUM(CASE WHEN stage = ${st[i]} THEN fs END) AS fs${i},
          SUM(CASE WHEN stage = ${st[i]} THEN sp END) AS sp${i}`)} FROM r), ${keys(n)}`,
    `SELECT 'tot', (SELECT median FROM (${medianSql('visits', 'k', 'n')})), (SELECT COUNT(DISTINCT session) FROM x WHERE purchases > 0 AND session <> ''),
       SUM(pageviews), SUM(touches), SUM(purchases), SUM(revenue), 0, 0, NULL
     FROM (SELECT pageviews, touches, purchases, revenue FROM r0${whole ? ` UNION ALL SELECT pageviews, touches, purchases, revenue ${whole}` : ''})`,
  ];
  // Time to reach a stage counts from the visitor's first event ever: first_seen of every
  // visitor seen in the period (visitors_site_seen, migration 0007, gives them as a range). In
  // its `a`: the furthest stage they ever reached (visitor_stages, in the site's order; -1 for
  // none). That lookup costs ~1.5 µs a visitor (~30 ms over 21,000), so an unfiltered report
  // makes it only for the visitors with events outside the period (~1 in 9 in the benchmark):
  // the others' events all lie in the period, so their furthest stage there is the one ever.
  if (detail) {
    const filtered = isFiltered(scope);
    const furthest = `COALESCE((SELECT MAX(CASE vs.stage ${st.map((p, i) => `WHEN ${p} THEN ${i}`).join(' ')} END) FROM visitor_stages vs
      WHERE vs.site = ${site} AND vs.visitor = visitors.visitor), -1)`;
    const seen = `visitors INDEXED BY visitors_site_seen WHERE site = ${site} AND last_seen >= ${from} AND first_seen < ${to}`;
    const looked = n ? jsonLines(`visitor, ${furthest}`, `${seen}${filtered ? '' : ` AND (first_seen < ${from} OR last_seen >= ${to})`}`) : 'NULL';
    parts.push(`SELECT 'seen', ${looked}, 0, 0, 0, 0, 0, 0, 0, ${jsonLines('visitor, first_seen', seen)}`);
  }
  // r0: the rollup rows not taken whole from report_sessions; u: their sessions; fb: their rows
  // without a session and those of sessions with several visitors or channels, per visitor and
  // channel.
  const sql = `WITH r0 AS MATERIALIZED (${rest('hour, session, visitor, channel, stage, first_time, pageviews, touches, engaged_ms, interactions, first_view, pains, feedbacks, feedback_sum, purchases, revenue')}),
    u AS MATERIALIZED (
      SELECT session, MIN(visitor) AS v1, MAX(visitor) AS v2, MIN(channel) AS c1, MAX(channel) AS c2, ${reached},
        SUM(pageviews) AS pv, SUM(engaged_ms) AS eng, SUM(interactions) AS ia,
        -- The earliest page view's path, and its stage after the view's unique 'time|id' prefix,
        -- so the MIN of both picks the same view (report_sessions keeps them the same way).
        substr(MIN(first_view), instr(MIN(first_view), char(31)) + 1) AS lp,
        substr(MIN(substr(first_view, 1, instr(first_view, char(31))) || stage), instr(MIN(substr(first_view, 1, instr(first_view, char(31))) || stage), char(31)) + 1) AS ls
      FROM r0 WHERE session <> '' GROUP BY session),
    fb AS (SELECT session, visitor, channel, ${reached} FROM r0
      WHERE session = '' OR session IN (SELECT session FROM u WHERE v1 <> v2 OR c1 <> c2) GROUP BY session, visitor, channel),
    x AS MATERIALIZED (${rare}),
    r AS (SELECT stage, SUM(feedbacks) AS fn, SUM(feedback_sum) AS fs, COUNT(DISTINCT CASE WHEN pains > 0 THEN NULLIF(session, '') END) AS sp FROM x GROUP BY stage),
    -- Buyers: visitors with a purchase here whose first purchase ever falls in the period, and
    -- as their visits all their sessions that started up to it.
    buyers AS (SELECT visitor, (SELECT MIN(time) FROM events e WHERE e.site = ${site} AND e.visitor = x.visitor
                                  AND e.type = 'checkout' AND e.name = 'purchase' AND e.bot = 0) AS first
               FROM x WHERE purchases > 0 AND visitor <> '' GROUP BY visitor),
    visits AS (SELECT 'all' AS k, (SELECT COUNT(*) FROM sessions s WHERE s.site = ${site} AND s.visitor = buyers.visitor
                                    AND s.started <= buyers.first AND s.bot = 0) AS n
               FROM buyers WHERE first >= ${from} AND first < ${to})
    ${parts.join('\nUNION ALL\n')}`;
  const rows = await q.run(store, sql);
  const row = (kind: string) => rows.find((r) => r.kind === kind);

  // Per session: sessions per stage, landing pages, channel mix; per visitor: first times and
  // the start of their latest session (its first event in a stage: retention's "came back").
  const sessionsIn = new Array<number>(n).fill(0);
  const landing = new Map<string, LandingFacts>();
  const mix = new Map<string, number[]>();
  const mixOf = (channel: string) => {
    let m = mix.get(channel);
    if (!m) mix.set(channel, (m = new Array<number>(n).fill(0)));
    return m;
  };
  const addMix = (channel: string, t: Times) => {
    const m = mixOf(channel);
    for (let i = 0; i < n; i++) if (t[i] != null) m[i]!++;
  };
  const visitors = new Map<string, Times>();
  const addVisitor = (visitor: string, t: Times) => {
    if (visitor === '') return;
    const v = visitors.get(visitor);
    if (v) lower(v, t);
    else visitors.set(visitor, t);
  };
  // A visitor's times hold, after the n stages, the start of their latest session (its first
  // event in a stage): one slot more, no map of its own.
  const stageIndex = new Map(stages.map((s, i) => [s, i]));
  const sessionRows = lines<SessionLine>(row('sessions')?.j);
  for (const [visitor, single, channel, bounce, path, landingStage, firstTimes] of sessionRows) {
    // A session with one visitor and channel folds its times straight into its visitor's (no
    // array per session: 33,000 a period over 1M events) and its channel's counts.
    let v: Times | undefined;
    if (single && visitor !== '') {
      v = visitors.get(visitor);
      if (!v) visitors.set(visitor, (v = new Array<number | null>(n + 1).fill(null)));
    }
    const m = single && detail ? mixOf(channel) : undefined;
    let start = Infinity;
    // Its own keys (a for-in over parsed JSON sees no Object.prototype member), few per session.
    for (const stage in firstTimes) {
      const i = stageIndex.get(stage);
      const time = firstTimes[stage];
      if (i === undefined || time == null) continue;
      sessionsIn[i]!++;
      if (onStageTime && single && visitor !== '') onStageTime(visitor, i, time);
      if (time < start) start = time;
      if (v && (v[i] == null || time < v[i]!)) v[i] = time;
      if (m) m[i]!++;
    }
    if (v && start < Infinity && !(start <= v[n]!)) v[n] = start;
    if (path !== null) {
      const stage = landingStage ?? '';
      const key = `${stage}\0${path}`;
      let f = landing.get(key);
      if (!f) landing.set(key, (f = { stage, landing: path, sessions: 0, bounces: 0 }));
      f.sessions++;
      if (bounce) f.bounces++;
    }
  }
  // Events without a session count for their visitor; a mixed session once per channel, and
  // for each of its visitors from their first event in it.
  const perChannel = new Map<string, { channel: string; t: Times }>();
  const mixedStarts = new Map<string, { visitor: string; start: number }>();
  for (const [session, visitor, channel, ...rest] of lines<PartLine>(row('parts')?.j)) {
    const t = rest as Times;
    addVisitor(visitor, t);
    if (onStageTime && visitor !== '') for (let i = 0; i < n; i++) if (t[i] != null) onStageTime(visitor, i, t[i]!);
    if (session === '') continue;
    const key = JSON.stringify([session, channel]);
    const c = perChannel.get(key);
    if (c) lower(c.t, t);
    else perChannel.set(key, { channel, t: [...t] });
    const who = JSON.stringify([session, visitor]);
    const start = Math.min(...t.map((x) => x ?? Infinity));
    const s = mixedStarts.get(who);
    if (!s) mixedStarts.set(who, { visitor, start });
    else if (start < s.start) s.start = start;
  }
  for (const { visitor, start } of mixedStarts.values()) {
    const v = visitors.get(visitor);
    if (v && start < Infinity && !(start <= v[n]!)) v[n] = start;
  }
  if (detail) for (const { channel, t } of perChannel.values()) addMix(channel, t);

  const out: CoreFacts = {
    perStage: new Map(),
    landing: [...landing.values()],
    sums: { visitors: visitors.size, sessions: sessionRows.length, pageviews: 0, touches: 0, purchases: 0, revenue: 0, buying: 0 },
    medianVisitsToPurchase: null,
    channels: new Map(),
    timeToReach: new Map(),
    current: new Map(),
  };
  // Purchases per person and the stages they were in; referrers.
  const bought = new Map<string, Set<number>>();
  for (const [visitor, stage] of lines<[string, string]>(row('parts')?.a)) {
    const set = bought.get(visitor) ?? new Set<number>();
    set.add(stageIndex.get(stage) ?? -1);
    bought.set(visitor, set);
  }
  const referrers = new Set(lines<[string]>(row('sessions')?.a).map(([v]) => v));
  const means = stages.map((_, i) => completionMeans(stages, i));
  const reachedBy = new Array<number>(n).fill(0);
  const orLaterBy = new Array<number>(n).fill(0);
  const enteredBy = new Array<number>(n).fill(0);
  const completedCount = new Array<number>(n).fill(0);
  for (const [visitor, t] of visitors) {
    // The furthest stage reached and the first one by time (ties: the earlier stage).
    let furthest = -1;
    let first = -1;
    for (let i = 0; i < n; i++) {
      if (t[i] == null) continue;
      reachedBy[i]!++;
      furthest = i;
      if (first < 0 || t[i]! < t[first]!) first = i;
    }
    if (first < 0) continue;
    for (let i = 0; i <= furthest; i++) {
      orLaterBy[i]!++;
      if (t[i] == null) continue;
      let done: boolean;
      switch (means[i]) {
        case 'next-stage':
          done = i < furthest; // a later stage was reached
          break;
        case 'purchase':
          done = bought.has(visitor);
          break;
        case 'repeat-or-return':
          // a purchase in this stage, or a session that started after their first event in it
          done = bought.get(visitor)?.has(i) === true || (t[n] ?? -Infinity) > t[i]!;
          break;
        case 'referral':
          done = referrers.has(visitor);
          break;
        default:
          done = false;
      }
      if (done) completedCount[i]!++;
    }
    enteredBy[first]!++;
  }
  const rareBy = new Map(rows.filter((r) => r.kind === 'rare').map((r) => [Number(r.a), r]));
  stages.forEach((stage, i) => {
    const r = rareBy.get(i);
    out.perStage.set(stage, {
      visitors: reachedBy[i]!,
      sessions: sessionsIn[i]!,
      fbN: num(r?.n1),
      fbSum: num(r?.n2),
      pained: num(r?.n3),
      reachedOrLater: orLaterBy[i]!,
      entered: enteredBy[i]!,
      completed: completedCount[i]!,
    });
  });
  const tot = row('tot');
  if (tot) {
    out.medianVisitsToPurchase = numOrNull(tot.a);
    Object.assign(out.sums, { buying: num(tot.n1), pageviews: num(tot.n2), touches: num(tot.n3), purchases: num(tot.n4), revenue: num(tot.n5) });
  }
  if (detail) {
    for (const [channel, m] of mix)
      m.forEach((count, i) => {
        if (!count) return;
        const list = out.channels.get(stages[i]!) ?? [];
        list.push({ name: channel || NO_CHANNEL, count });
        out.channels.set(stages[i]!, list);
      });
    for (const list of out.channels.values()) list.sort(byCount);
    const seen = new Map(lines<[string, number]>(row('seen')?.j));
    const ever = new Map(lines<[string, number]>(row('seen')?.a));
    const since: number[][] = stages.map(() => []);
    const current = new Array<number>(n).fill(0);
    for (const [visitor, t] of visitors) {
      const first = seen.get(visitor);
      if (first === undefined) continue;
      let furthest = -1;
      for (let i = 0; i < n; i++)
        if (t[i] != null) {
          since[i]!.push(t[i]! - first);
          furthest = i;
        }
      furthest = ever.get(visitor) ?? furthest;
      if (furthest >= 0) current[furthest]!++;
    }
    stages.forEach((stage, i) => {
      const m = median(since[i]!);
      if (m !== null) out.timeToReach.set(stage, m);
      out.current.set(stage, current[i]!);
    });
  }
  return out;
}
