-- Events (对接会, 路演): a broker's matchmaking day of 1:1 meetings
-- between enterprises (by a challenge) and institutes (by a capability),
-- in time slots at tables.

CREATE TABLE events (
	id         TEXT PRIMARY KEY,
	theme      TEXT NOT NULL,
	industries TEXT NOT NULL DEFAULT '[]', -- JSON list of industry codes
	on_day     TEXT NOT NULL,              -- YYYY-MM-DD
	place      TEXT NOT NULL,
	slots      TEXT NOT NULL DEFAULT '[]', -- JSON list of slot labels, e.g. "09:00–09:20"
	tables     INTEGER NOT NULL CHECK (typeof(tables) = 'integer' AND tables BETWEEN 1 AND 200),
	status     TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'ended')),
	created_by TEXT NOT NULL REFERENCES users (id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX events_day ON events (on_day);

-- One posting per organisation per event: a party is the people of one
-- organisation, who can sit at one table at a time.
CREATE TABLE event_parties (
	id         TEXT PRIMARY KEY,
	event_id   TEXT NOT NULL REFERENCES events (id),
	kind       TEXT NOT NULL CHECK (kind IN ('challenge', 'capability')),
	posting_id TEXT NOT NULL,
	org_id     TEXT NOT NULL REFERENCES organizations (id),
	invited_by TEXT NOT NULL DEFAULT '', -- the broker who invited; '' when the organisation registered itself
	available  TEXT NOT NULL DEFAULT '', -- one character per slot: '1' available, '0' not
	status     TEXT NOT NULL CHECK (status IN ('invited', 'registered', 'declined')),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (event_id, org_id),
	UNIQUE (event_id, kind, posting_id)
);
CREATE INDEX event_parties_org ON event_parties (org_id);

-- The timetable. The store holds its invariants too: one meeting per
-- table and slot, per party and slot, per pair.
CREATE TABLE event_meetings (
	id          TEXT PRIMARY KEY,
	event_id    TEXT NOT NULL REFERENCES events (id),
	slot        INTEGER NOT NULL CHECK (slot >= 0),
	table_no    INTEGER NOT NULL CHECK (table_no >= 0),
	ent_party   TEXT NOT NULL REFERENCES event_parties (id),
	inst_party  TEXT NOT NULL REFERENCES event_parties (id),
	score       REAL NOT NULL DEFAULT 0,
	source      TEXT NOT NULL CHECK (source IN ('auto', 'manual')),
	outcome     TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'met', 'no_show', 'follow_up', 'intro')),
	intro_id    TEXT REFERENCES introductions (id),
	note        TEXT NOT NULL DEFAULT '',
	updated_at  TEXT NOT NULL,
	CHECK (outcome != 'intro' OR intro_id IS NOT NULL)
);
CREATE UNIQUE INDEX event_meetings_table ON event_meetings (event_id, slot, table_no);
CREATE UNIQUE INDEX event_meetings_ent ON event_meetings (event_id, slot, ent_party);
CREATE UNIQUE INDEX event_meetings_inst ON event_meetings (event_id, slot, inst_party);
CREATE UNIQUE INDEX event_meetings_pair ON event_meetings (event_id, ent_party, inst_party);
