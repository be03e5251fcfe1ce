-- 揭榜挂帅 calls and the expert pool (评审专家库): calls on published
-- challenges with a reward, a deadline and published criteria; proposals
-- with their attachments stored here (so that backups include them);
-- experts and their status history; each call's panel with the seed, the
-- candidates and the exclusions of its draw; reviews.

CREATE TABLE calls (
	id             TEXT PRIMARY KEY,
	challenge_id   TEXT NOT NULL REFERENCES challenges (id),
	title          TEXT NOT NULL,
	summary        TEXT NOT NULL DEFAULT '',
	reward         INTEGER NOT NULL CHECK (typeof(reward) = 'integer' AND reward > 0), -- whole 万元
	deadline       TEXT NOT NULL, -- YYYY-MM-DD, the last day proposals are accepted (China time)
	criteria       TEXT NOT NULL, -- JSON [{name, weight, description}], weights summing to 100
	status         TEXT NOT NULL CHECK (status IN ('open', 'reviewing', 'awarded', 'withdrawn')),
	broker_id      TEXT NOT NULL REFERENCES users (id),
	reason         TEXT NOT NULL DEFAULT '',
	award_proposal TEXT NOT NULL DEFAULT '',
	award_intro    TEXT REFERENCES introductions (id),
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL
);
CREATE INDEX calls_status ON calls (status, deadline);
-- One live call per challenge.
CREATE UNIQUE INDEX calls_live ON calls (challenge_id) WHERE status IN ('open', 'reviewing');

-- One proposal per institute and call; resubmitting replaces the text.
CREATE TABLE proposals (
	id         TEXT PRIMARY KEY,
	call_id    TEXT NOT NULL REFERENCES calls (id),
	org_id     TEXT NOT NULL REFERENCES organizations (id),
	user_id    TEXT NOT NULL REFERENCES users (id),
	summary    TEXT NOT NULL,
	plan       TEXT NOT NULL,
	budget     INTEGER NOT NULL DEFAULT 0 CHECK (typeof(budget) = 'integer' AND budget >= 0), -- 万元
	team       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (call_id, org_id)
);

-- Attachments, their bytes in the row: the type is what the content is
-- (sniffed at upload), never the name.
CREATE TABLE proposal_files (
	id          TEXT PRIMARY KEY,
	proposal_id TEXT NOT NULL REFERENCES proposals (id),
	name        TEXT NOT NULL,
	type        TEXT NOT NULL,
	size        INTEGER NOT NULL CHECK (size > 0 AND size <= 10485760),
	sha256      TEXT NOT NULL,
	data        BLOB NOT NULL,
	created_at  TEXT NOT NULL
);
CREATE INDEX proposal_files_proposal ON proposal_files (proposal_id, created_at);

CREATE TABLE experts (
	id         TEXT PRIMARY KEY,
	user_id    TEXT UNIQUE REFERENCES users (id),
	username   TEXT NOT NULL,
	name       TEXT NOT NULL,
	industry   TEXT NOT NULL,
	field      TEXT NOT NULL DEFAULT '',
	title      TEXT NOT NULL,
	org_id     TEXT REFERENCES organizations (id),
	org_name   TEXT NOT NULL,
	phone      TEXT NOT NULL DEFAULT '',
	email      TEXT NOT NULL DEFAULT '',
	status     TEXT NOT NULL CHECK (status IN ('applied', 'active', 'returned', 'removed')),
	reason     TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX experts_pool ON experts (status, industry, id);

-- Status history of the pool. Append-only.
CREATE TABLE expert_events (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	expert_id TEXT NOT NULL REFERENCES experts (id),
	at        TEXT NOT NULL,
	actor_id  TEXT NOT NULL DEFAULT '',
	from_st   TEXT NOT NULL DEFAULT '',
	to_st     TEXT NOT NULL,
	note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX expert_events_expert ON expert_events (expert_id, id);
CREATE TRIGGER expert_events_no_update BEFORE UPDATE ON expert_events BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
CREATE TRIGGER expert_events_no_delete BEFORE DELETE ON expert_events BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;

-- A call's panel, drawn once: the record a replay checks. Never changed.
CREATE TABLE panels (
	call_id    TEXT PRIMARY KEY REFERENCES calls (id),
	seed       TEXT NOT NULL,
	size       INTEGER NOT NULL,
	candidates TEXT NOT NULL, -- JSON [expert id], sorted
	excluded   TEXT NOT NULL, -- JSON [{expert, reason}]
	members    TEXT NOT NULL, -- JSON [expert id], in draw order
	drawn_by   TEXT NOT NULL REFERENCES users (id),
	drawn_at   TEXT NOT NULL
);
CREATE TRIGGER panels_no_update BEFORE UPDATE ON panels BEGIN SELECT RAISE(ABORT, 'a panel is drawn once'); END;
CREATE TRIGGER panels_no_delete BEFORE DELETE ON panels BEGIN SELECT RAISE(ABORT, 'a panel is drawn once'); END;

-- One review per expert and proposal; an expert may revise it while the
-- call is under review.
CREATE TABLE reviews (
	proposal_id TEXT NOT NULL REFERENCES proposals (id),
	expert_id   TEXT NOT NULL REFERENCES experts (id),
	scores      TEXT NOT NULL, -- JSON [int], per criterion in the call's order
	comment     TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	PRIMARY KEY (proposal_id, expert_id)
);

-- Recusals (回避) after the draw: a member out, replaced by the next
-- candidate in the order the seed gave, so that a replay checks the
-- replacement too. Append-only.
CREATE TABLE panel_changes (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	call_id     TEXT NOT NULL REFERENCES panels (call_id),
	expert_id   TEXT NOT NULL REFERENCES experts (id),
	replacement TEXT NOT NULL REFERENCES experts (id),
	reason      TEXT NOT NULL,
	actor_id    TEXT NOT NULL,
	at          TEXT NOT NULL
);
CREATE INDEX panel_changes_call ON panel_changes (call_id, id);
CREATE TRIGGER panel_changes_no_update BEFORE UPDATE ON panel_changes BEGIN SELECT RAISE(ABORT, 'recusals are append-only'); END;
CREATE TRIGGER panel_changes_no_delete BEFORE DELETE ON panel_changes BEGIN SELECT RAISE(ABORT, 'recusals are append-only'); END;
