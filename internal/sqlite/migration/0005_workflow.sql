-- The broker's workflow: introductions (对接) and their timeline,
-- technology contracts, in-app messages, invitations kept with who made
-- them, and brokers' scope.

-- One row per brokered pairing of an enterprise and an institute, whatever
-- started it: an institute's 揭榜 proposal, an enterprise's request for an
-- introduction, or a broker's recommendation from a match list.
CREATE TABLE introductions (
	id            TEXT PRIMARY KEY,
	origin        TEXT NOT NULL CHECK (origin IN ('proposal', 'request', 'broker')),
	interest_id   TEXT UNIQUE REFERENCES interests (id),
	challenge_id  TEXT REFERENCES challenges (id),
	capability_id TEXT REFERENCES capabilities (id),
	ent_org_id    TEXT NOT NULL REFERENCES organizations (id),
	inst_org_id   TEXT NOT NULL REFERENCES organizations (id),
	stage         TEXT NOT NULL CHECK (stage IN ('queued', 'recommended', 'confirmed', 'negotiating', 'signed', 'registered', 'ended')),
	ent_answer    TEXT NOT NULL DEFAULT '' CHECK (ent_answer IN ('', 'accepted', 'declined')),
	inst_answer   TEXT NOT NULL DEFAULT '' CHECK (inst_answer IN ('', 'accepted', 'declined')),
	broker_id     TEXT REFERENCES users (id),
	message       TEXT NOT NULL DEFAULT '',
	reason        TEXT NOT NULL DEFAULT '',
	reason_note   TEXT NOT NULL DEFAULT '',
	due_at        TEXT NOT NULL DEFAULT '', -- when the next step is due; '' when nothing is
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	CHECK (challenge_id IS NOT NULL OR capability_id IS NOT NULL),
	CHECK (ent_org_id != inst_org_id)
);
CREATE INDEX introductions_stage ON introductions (stage, due_at);
CREATE INDEX introductions_broker ON introductions (broker_id, stage);
CREATE INDEX introductions_ent ON introductions (ent_org_id, updated_at);
CREATE INDEX introductions_inst ON introductions (inst_org_id, updated_at);
CREATE INDEX introductions_challenge ON introductions (challenge_id);
CREATE INDEX introductions_capability ON introductions (capability_id);
-- One open introduction per pair and posting.
CREATE UNIQUE INDEX introductions_open ON introductions
	(ent_org_id, inst_org_id, COALESCE(challenge_id, ''), COALESCE(capability_id, ''))
	WHERE stage IN ('queued', 'recommended', 'confirmed', 'negotiating');

-- The timeline: who did what, when and why. Append-only.
CREATE TABLE intro_events (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	intro_id   TEXT NOT NULL REFERENCES introductions (id),
	at         TEXT NOT NULL,
	actor_id   TEXT NOT NULL DEFAULT '',
	kind       TEXT NOT NULL CHECK (kind IN ('created', 'stage', 'answer', 'note', 'assign', 'contract')),
	from_stage TEXT NOT NULL DEFAULT '',
	to_stage   TEXT NOT NULL DEFAULT '',
	side       TEXT NOT NULL DEFAULT '',
	answer     TEXT NOT NULL DEFAULT '',
	reason     TEXT NOT NULL DEFAULT '',
	channel    TEXT NOT NULL DEFAULT '',
	on_day     TEXT NOT NULL DEFAULT '', -- the day of a call or visit (YYYY-MM-DD)
	note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX intro_events_intro ON intro_events (intro_id, id);
CREATE TRIGGER intro_events_no_update BEFORE UPDATE ON intro_events BEGIN SELECT RAISE(ABORT, 'the timeline is append-only'); END;
CREATE TRIGGER intro_events_no_delete BEFORE DELETE ON intro_events BEGIN SELECT RAISE(ABORT, 'the timeline is append-only'); END;

-- Technology contracts. Amounts are whole 元 (INTEGER, never REAL).
CREATE TABLE contracts (
	id            TEXT PRIMARY KEY,
	intro_id      TEXT UNIQUE REFERENCES introductions (id),
	challenge_id  TEXT REFERENCES challenges (id),
	capability_id TEXT REFERENCES capabilities (id),
	type          TEXT NOT NULL CHECK (type IN ('development', 'transfer', 'license', 'consulting', 'service')),
	title         TEXT NOT NULL,
	buyer         TEXT NOT NULL,
	seller        TEXT NOT NULL,
	buyer_org_id  TEXT REFERENCES organizations (id),
	seller_org_id TEXT REFERENCES organizations (id),
	amount        INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount > 0),
	local_amount  INTEGER NOT NULL DEFAULT 0 CHECK (typeof(local_amount) = 'integer' AND local_amount >= 0 AND local_amount <= amount),
	signed_on     TEXT NOT NULL,
	reg_no        TEXT NOT NULL DEFAULT '',
	registered_on TEXT NOT NULL DEFAULT '',
	broker_id     TEXT REFERENCES users (id),
	created_by    TEXT NOT NULL REFERENCES users (id),
	created_at    TEXT NOT NULL,
	CHECK (intro_id IS NOT NULL OR challenge_id IS NOT NULL OR capability_id IS NOT NULL)
);
CREATE UNIQUE INDEX contracts_reg_no ON contracts (reg_no) WHERE reg_no != '';
CREATE INDEX contracts_signed ON contracts (signed_on);

-- In-app messages (站内消息), one row per recipient. kind, subject, body and
-- link are what an e-mail or SMS outbox will need later; dedup keeps a
-- reminder from being sent twice.
CREATE TABLE messages (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	subject    TEXT NOT NULL,
	body       TEXT NOT NULL DEFAULT '',
	link       TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	read_at    TEXT NOT NULL DEFAULT '',
	dedup      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX messages_user ON messages (user_id, id);
CREATE INDEX messages_unread ON messages (user_id) WHERE read_at = '';
CREATE UNIQUE INDEX messages_dedup ON messages (user_id, dedup) WHERE dedup != '';

-- Who invited an institute to read a 摘要公开 challenge in full.
ALTER TABLE invitations ADD COLUMN invited_by TEXT NOT NULL DEFAULT '';

-- The bureau lead assigns introductions to brokers; a broker may be scoped
-- to counties of 六安 (a JSON list of names; [] = the whole city).
ALTER TABLE users ADD COLUMN lead INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN counties TEXT NOT NULL DEFAULT '[]';

-- Interests still waiting become introductions at 待受理. Both sides,
-- the one that asked too, confirm once a broker recommends the pairing.
INSERT INTO introductions (id, origin, interest_id, challenge_id, capability_id, ent_org_id, inst_org_id, stage,
		ent_answer, inst_answer, created_at, updated_at)
	SELECT 'in-' || substr(i.id, 5), 'proposal', i.id, i.challenge_id, NULL, ch.org_id, i.org_id, 'queued',
		'', '', i.created_at, i.created_at
	FROM interests i JOIN challenges ch ON ch.id = i.challenge_id
	WHERE i.kind = 'proposal' AND i.status = 'queued' AND ch.org_id != i.org_id;
INSERT INTO introductions (id, origin, interest_id, challenge_id, capability_id, ent_org_id, inst_org_id, stage,
		ent_answer, inst_answer, created_at, updated_at)
	SELECT 'in-' || substr(i.id, 5), 'request', i.id, NULL, i.capability_id, i.org_id, cp.org_id, 'queued',
		'', '', i.created_at, i.created_at
	FROM interests i JOIN capabilities cp ON cp.id = i.capability_id
	WHERE i.kind = 'intro' AND i.status = 'queued' AND cp.org_id != i.org_id;
-- A week to take them up, from when they were asked (times stay fixed-width).
UPDATE introductions SET due_at = strftime('%Y-%m-%dT%H:%M:%S', substr(created_at, 1, 19), '+7 days') || substr(created_at, 20);
INSERT INTO intro_events (intro_id, at, actor_id, kind, to_stage)
	SELECT n.id, n.created_at, i.user_id, 'created', 'queued' FROM introductions n JOIN interests i ON i.id = n.interest_id;
