-- Migration number: 0008 — what stage inference needs to be replayed (issue 13)
-- hint: the page type the SDK read from the page's markup (product, list, article, faq, cart,
-- checkout). stage_inferred: 1 when the collector inferred the stage, 0 when the sender set it,
-- NULL for events stored before this migration (unknown). `npm run restage` re-infers the stages
-- of the inferred events (and, when asked, of the unknown ones) with today's rules.
ALTER TABLE events ADD COLUMN stage_inferred INTEGER;
ALTER TABLE events ADD COLUMN hint TEXT;
