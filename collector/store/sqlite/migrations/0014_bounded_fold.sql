-- Migration number: 0014 — what the incremental fold needs so a batch costs what the batch holds
-- (issue 16). Before it, folding a batch re-read a session's or visitor's stored events in four
-- places; an adversarial client filling a session with thousands of events made every batch
-- into it cost ~0.4 s. Now each is a key lookup (collector/store/sql/incremental.ts):
-- * visitor_sessions: which sessions a visitor has events in, so a new row's session counts once
--   per visitor (visitors.sessions) with a primary-key lookup instead of a walk of the session.
-- * sessions.landing_at / exit_at and visitors.user_id_at / persona_at: the (time, id) key of the
--   event that gave the landing page, exit page, latest user id and persona, so a new row
--   replaces them only if it comes later (or earlier) than that key, without walking events.
-- * events_site_visitor_anon: the events of a visitor still without a user id, so `identify`
--   links exactly those (each event at most once) instead of walking all the visitor's events.
-- Keys are `printf('%015d|', time) || id`, which sort as (time, id) does.

CREATE TABLE IF NOT EXISTS visitor_sessions (
  site    TEXT NOT NULL,
  visitor TEXT NOT NULL,
  session TEXT NOT NULL,
  PRIMARY KEY (site, visitor, session)
) WITHOUT ROWID;

INSERT INTO visitor_sessions (site, visitor, session)
SELECT DISTINCT site, visitor, session FROM events WHERE visitor <> '' AND session IS NOT NULL
ON CONFLICT DO NOTHING;

ALTER TABLE sessions ADD COLUMN landing_at TEXT;
ALTER TABLE sessions ADD COLUMN exit_at TEXT;
ALTER TABLE visitors ADD COLUMN user_id_at TEXT;
ALTER TABLE visitors ADD COLUMN persona_at TEXT;

UPDATE sessions SET
  landing_at = (SELECT printf('%015d|', time) || id FROM events INDEXED BY events_site_session
    WHERE site = sessions.site AND session = sessions.session AND type = 'pageview' ORDER BY time, id LIMIT 1),
  exit_at = (SELECT printf('%015d|', time) || id FROM events INDEXED BY events_site_session
    WHERE site = sessions.site AND session = sessions.session AND type = 'pageview' ORDER BY time DESC, id DESC LIMIT 1);

UPDATE visitors SET
  user_id_at = (SELECT printf('%015d|', time) || id FROM events INDEXED BY events_site_visitor
    WHERE site = visitors.site AND visitor = visitors.visitor AND user_id IS NOT NULL ORDER BY time DESC, id DESC LIMIT 1),
  persona_at = (SELECT printf('%015d|', time) || id FROM events INDEXED BY events_site_visitor
    WHERE site = visitors.site AND visitor = visitors.visitor AND persona IS NOT NULL ORDER BY time DESC, id DESC LIMIT 1);

CREATE INDEX IF NOT EXISTS events_site_visitor_anon ON events (site, visitor) WHERE user_id IS NULL;
