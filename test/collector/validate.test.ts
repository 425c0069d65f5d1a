// parseBatch's two JSON paths: the plain parse (the usual body) and the reviver that turns an
// unpaired surrogate into U+FFFD (taken only when the body may hold one, raw or escaped).
import { describe, expect, it } from 'vitest';
import { parseBatch } from '../../collector/ingest/validate';

const now = Date.now();
const body = (title: string) =>
  `{"site":"shop","sent":${now},"events":[{"id":"e1","type":"pageview","name":"/","ts":${now},"visitor":"v1","title":${title}}]}`;
const title = (json: string) => parseBatch(body(json), now).events[0]!.title;

describe('parseBatch and unpaired surrogates', () => {
  it('replaces an escaped lone surrogate with U+FFFD and keeps the rest', () => {
    expect(title('"Shoes \\ud800 sale"')).toBe('Shoes \ufffd sale');
    expect(title('"cut \\uDFFF"')).toBe('cut \ufffd');
  });

  it('replaces a raw lone surrogate (a string from JavaScript, not from UTF-8)', () => {
    expect(title('"half \ud83d"')).toBe('half \ufffd');
  });

  it('keeps an escaped surrogate pair as the character it encodes', () => {
    expect(title('"run \\ud83c\\udfc3"')).toBe('run 🏃');
  });

  it('leaves ordinary text, and text that only looks like an escape, as it is', () => {
    expect(title('"Trail Runner — 42 €"')).toBe('Trail Runner — 42 €');
    expect(title('"a \\\\ud800 b"')).toBe('a \\ud800 b');
  });
});
