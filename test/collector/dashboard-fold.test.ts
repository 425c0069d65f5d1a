// The dashboard header's note from /health (collector/dashboard/fold.ts): silent when the report
// is up to date, the events waiting with the journal, and failing storage.
import { expect, it } from 'vitest';
import { foldNotice } from '../../collector/dashboard/fold';
import { count } from '../../collector/dashboard/format';

it('says nothing when the report is up to date (or there is no journal)', () => {
  expect(foldNotice({ ok: true })).toBe('');
  expect(foldNotice({ ok: true, store: 'ok', fold: { batches: 0, events: 0, oldestMs: 0 } })).toBe('');
});

it('says nothing while the lag is under a few seconds (batches always wait a moment under load)', () => {
  expect(foldNotice({ ok: true, store: 'ok', fold: { batches: 3, events: 1200, oldestMs: 900 } })).toBe('');
  expect(foldNotice({ ok: true, store: 'ok', fold: { batches: 3, events: 1200, oldestMs: 2999 } })).toBe('');
});

it('says how many events wait and for how long', () => {
  expect(foldNotice({ ok: true, store: 'ok', fold: { batches: 3, events: 1200, oldestMs: 3400 } })).toBe(
    '1,200 events not in the report yet (oldest 3.4 s).',
  );
  expect(foldNotice({ ok: true, store: 'ok', fold: { batches: 3, events: 60, oldestMs: 42_400 } })).toBe(
    '60 events not in the report yet (oldest 42 s).',
  );
  expect(foldNotice({ ok: true, store: 'ok', fold: { batches: 1, events: 1, oldestMs: 5000 } })).toBe(
    '1 event not in the report yet (oldest 5.0 s).',
  );
});

it('says when storing fails', () => {
  expect(foldNotice({ ok: false, store: 'failing' })).toBe('Storage is failing: new events are not in the report.');
  expect(foldNotice({ ok: false, store: 'failing', fold: { batches: 1, events: 20, oldestMs: 5000 } })).toBe(
    'Storage is failing: new events are not in the report; 20 events wait in the journal.',
  );
  expect(foldNotice({ ok: false, store: 'failing', fold: { batches: 1, events: 1, oldestMs: 5000 } })).toBe(
    'Storage is failing: new events are not in the report; 1 event waits in the journal.',
  );
});

it('counts read as sentences everywhere on the dashboard: "1 visit", "1 person", never "1 visits"', () => {
  expect([count(1, 'visit'), count(0, 'visit'), count(1200, 'visit')]).toEqual(['1 visit', '0 visits', '1,200 visits']);
  expect([count(1, 'person', 'people'), count(2, 'person', 'people')]).toEqual(['1 person', '2 people']);
});
