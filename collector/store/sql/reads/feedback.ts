// Survey answers and feedback comments (the voice of the customer): only `feedback` events
// (few, partial index), with the channel of the answering visitor's first visit.
import type { FeedbackRow, Scope } from '../../reads';
import { eventsOfType, jsonValue, Sql, type Run } from './query';

const PROPS = ['survey', 'question', 'kind', 'answer', 'value', 'scale', 'other', 'score', 'comment'];

export async function feedback(q: Sql, run: Run, scope: Scope): Promise<FeedbackRow[]> {
  const at = (k: string) => `${q.d.jsonValue('props', `'${k}'`)} AS ${k}`;
  const rows = await q.run(
    run,
    `${eventsOfType(
      q,
      scope,
      'feedback',
      `name, time, stage, touchpoint, ${PROPS.map(at).join(', ')},
        (SELECT channel FROM sessions s WHERE s.site = events.site AND s.visitor = events.visitor ORDER BY s.started LIMIT 1) AS first_channel`,
    )}
      AND (name = 'survey' OR ${q.d.jsonText('props', "'comment'")} IS NOT NULL) ORDER BY time DESC, id`,
  );
  for (const r of rows) for (const k of PROPS) r[k] = jsonValue(r[k]);
  return rows as unknown as FeedbackRow[];
}
