-- Organisations, postings and the outbox that keeps the search index in
-- step with them. Landed migrations are never edited: add a new file.

CREATE TABLE organizations (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	short       TEXT NOT NULL DEFAULT '',
	kind        TEXT NOT NULL CHECK (kind IN ('enterprise', 'institute', 'bureau')),
	region      TEXT NOT NULL DEFAULT '',
	credit_code TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL
);

CREATE TABLE challenges (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	title       TEXT NOT NULL,
	problem     TEXT NOT NULL,
	targets     TEXT NOT NULL DEFAULT '',
	tried       TEXT NOT NULL DEFAULT '',
	constraints TEXT NOT NULL DEFAULT '',
	industry    TEXT NOT NULL,
	field       TEXT NOT NULL DEFAULT '',
	keywords    TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
	budget_min  INTEGER NOT NULL DEFAULT 0,
	budget_max  INTEGER NOT NULL DEFAULT 0,
	deadline    TEXT NOT NULL DEFAULT '',
	modes       TEXT NOT NULL DEFAULT '[]', -- JSON array of mode names
	visibility  TEXT NOT NULL CHECK (visibility IN ('public', 'summary', 'bureau')),
	trl_expect  INTEGER NOT NULL DEFAULT 0 CHECK (trl_expect BETWEEN 0 AND 9),
	status      TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'published', 'closed')),
	posted      TEXT NOT NULL DEFAULT '',
	updated_at  TEXT NOT NULL
);
CREATE INDEX challenges_org ON challenges (org_id);

CREATE TABLE capabilities (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	kind        TEXT NOT NULL CHECK (kind IN ('achievement', 'direction', 'expert', 'equipment')),
	title       TEXT NOT NULL,
	description TEXT NOT NULL,
	trl         INTEGER NOT NULL DEFAULT 0 CHECK (trl BETWEEN 0 AND 9),
	ip          TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
	fields      TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
	industry    TEXT NOT NULL,
	modes       TEXT NOT NULL DEFAULT '[]',
	team        TEXT NOT NULL DEFAULT '',
	region      TEXT NOT NULL DEFAULT '',
	keywords    TEXT NOT NULL DEFAULT '[]',
	status      TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'published', 'closed')),
	posted      TEXT NOT NULL DEFAULT '',
	updated_at  TEXT NOT NULL
);
CREATE INDEX capabilities_org ON capabilities (org_id);

-- Every write that changes searchable content adds a row here in the same
-- transaction; the indexer applies rows in id order and records the last
-- one it applied, so the index heals after a crash.
CREATE TABLE outbox (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	doc_type   TEXT NOT NULL CHECK (doc_type IN ('challenge', 'capability')),
	doc_id     TEXT NOT NULL,
	created_at TEXT NOT NULL
);

CREATE TABLE index_state (
	name         TEXT PRIMARY KEY,
	last_applied INTEGER NOT NULL
);
