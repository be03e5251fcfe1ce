-- The portal: organisation review, sessions, API tokens, interests and the
-- audit log.

-- A registered organisation waits for the bureau's approval; the ones
-- loaded before this migration (the demo set) count as approved.
ALTER TABLE organizations ADD COLUMN status TEXT NOT NULL DEFAULT 'approved'
	CHECK (status IN ('pending', 'approved', 'rejected'));

-- must_change: the password was issued by someone else (the first admin's
-- one-time password, an account made by an administrator) and must be
-- changed at the next sign-in.
ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;

-- Server-side sessions. The cookie carries a random value; only its SHA-256
-- is stored, so a copy of the database does not sign anyone in.
CREATE TABLE sessions (
	id_hash    TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	seen_at    TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Bearer tokens for the API, stored as SHA-256 like sessions.
CREATE TABLE api_tokens (
	id_hash    TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- An institute's proposal for a challenge (揭榜/意向) or an enterprise's
-- request for an introduction to a capability: the brokers' queue.
CREATE TABLE interests (
	id            TEXT PRIMARY KEY,
	kind          TEXT NOT NULL CHECK (kind IN ('proposal', 'intro')),
	challenge_id  TEXT REFERENCES challenges (id),
	capability_id TEXT REFERENCES capabilities (id),
	org_id        TEXT NOT NULL REFERENCES organizations (id),
	user_id       TEXT NOT NULL REFERENCES users (id),
	approach      TEXT NOT NULL,
	team          TEXT NOT NULL DEFAULT '',
	months        INTEGER NOT NULL DEFAULT 0,
	cost_min      INTEGER NOT NULL DEFAULT 0,
	cost_max      INTEGER NOT NULL DEFAULT 0,
	message       TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL CHECK (status IN ('queued', 'withdrawn')),
	created_at    TEXT NOT NULL,
	CHECK ((kind = 'proposal' AND challenge_id IS NOT NULL AND capability_id IS NULL)
	    OR (kind = 'intro' AND capability_id IS NOT NULL AND challenge_id IS NULL))
);
-- One open interest per organisation and posting.
CREATE UNIQUE INDEX interests_open ON interests (org_id, COALESCE(challenge_id, ''), COALESCE(capability_id, ''))
	WHERE status = 'queued';
CREATE INDEX interests_status ON interests (status, created_at);

-- Institutes the bureau invited to read a 摘要公开 challenge in full.
CREATE TABLE invitations (
	challenge_id TEXT NOT NULL REFERENCES challenges (id),
	org_id       TEXT NOT NULL REFERENCES organizations (id),
	created_at   TEXT NOT NULL,
	PRIMARY KEY (challenge_id, org_id)
);

-- The audit log: append-only (the triggers refuse changes), each row
-- chained to the one before by SHA-256, so a removed or altered row shows.
CREATE TABLE audit (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	at        TEXT NOT NULL,
	actor     TEXT NOT NULL, -- user id, '' for anonymous
	action    TEXT NOT NULL,
	object    TEXT NOT NULL,
	detail    TEXT NOT NULL,
	ip        TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
