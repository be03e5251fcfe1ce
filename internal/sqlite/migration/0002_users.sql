-- Users and the state of the sign-in lockout, kept in the database so that
-- a restart does not reset it.

CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	org_id        TEXT REFERENCES organizations (id),
	username      TEXT NOT NULL UNIQUE,
	display_name  TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL CHECK (role IN ('enterprise', 'institute', 'broker', 'sysadmin', 'secadmin', 'auditor')),
	password_hash TEXT NOT NULL,
	failed_count  INTEGER NOT NULL DEFAULT 0,
	failed_since  TEXT NOT NULL DEFAULT '',
	locked_until  TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL
);
