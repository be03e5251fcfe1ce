-- duijie:foreign-keys-off
-- Two roles join the users table: 评审专家 (expert: scores the proposals of
-- a 揭榜挂帅 call when drawn onto its panel) and 科技特派员 (envoy: serves
-- enterprises and villages in the field and logs visits). SQLite cannot
-- change a CHECK constraint in place, so the table is rebuilt the way
-- https://www.sqlite.org/lang_altertable.html#otheralter describes: with
-- foreign keys off for this one migration (the directive above), copy,
-- drop, rename, and foreign_key_check before commit (the runner does it).

CREATE TABLE users_new (
	id            TEXT PRIMARY KEY,
	org_id        TEXT REFERENCES organizations (id),
	username      TEXT NOT NULL UNIQUE,
	display_name  TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL CHECK (role IN ('enterprise', 'institute', 'broker', 'sysadmin', 'secadmin', 'auditor', 'expert', 'envoy')),
	password_hash TEXT NOT NULL,
	failed_count  INTEGER NOT NULL DEFAULT 0,
	failed_since  TEXT NOT NULL DEFAULT '',
	locked_until  TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	must_change   INTEGER NOT NULL DEFAULT 0,
	phone         TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL DEFAULT '',
	lead          INTEGER NOT NULL DEFAULT 0,
	counties      TEXT NOT NULL DEFAULT '[]',
	disabled      INTEGER NOT NULL DEFAULT 0
);

INSERT INTO users_new (id, org_id, username, display_name, role, password_hash, failed_count, failed_since,
	locked_until, created_at, must_change, phone, email, lead, counties, disabled)
SELECT id, org_id, username, display_name, role, password_hash, failed_count, failed_since,
	locked_until, created_at, must_change, phone, email, lead, counties, disabled
FROM users;

DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
