-- 科技特派员 (envoys): the enterprises and villages the bureau assigns them
-- to, the service visits they log there, and the challenges they draft on
-- behalf of an enterprise they serve.

-- An envoy serves an enterprise (org_id) or a village (a name and a region
-- code of 六安) from since to until (days, YYYY-MM-DD; until '' = still).
-- Ending an assignment sets until; rows are never deleted.
CREATE TABLE envoy_assignments (
	id          TEXT PRIMARY KEY,
	envoy_id    TEXT NOT NULL REFERENCES users (id),
	org_id      TEXT REFERENCES organizations (id),
	village     TEXT NOT NULL DEFAULT '',
	region      TEXT NOT NULL DEFAULT '', -- the village's county; '' for an enterprise (its own region counts)
	since       TEXT NOT NULL,
	until       TEXT NOT NULL DEFAULT '',
	assigned_by TEXT NOT NULL REFERENCES users (id),
	ended_by    TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	CHECK ((org_id IS NOT NULL AND village = '' AND region = '') OR (org_id IS NULL AND village != '' AND region != '')),
	CHECK (until = '' OR until >= since)
);
CREATE INDEX envoy_assignments_envoy ON envoy_assignments (envoy_id, until);
CREATE INDEX envoy_assignments_org ON envoy_assignments (org_id);
-- One open assignment per envoy and place.
CREATE UNIQUE INDEX envoy_assignments_open ON envoy_assignments
	(envoy_id, COALESCE(org_id, ''), village, region) WHERE until = '';

-- A service visit: who went where (copied from the assignment, so that
-- counts by county do not move when an organisation moves). What was
-- logged lives in visit_versions: a correction appends a version, the
-- newest one counts, and nothing logged is ever lost.
CREATE TABLE visits (
	id            TEXT PRIMARY KEY,
	assignment_id TEXT NOT NULL REFERENCES envoy_assignments (id),
	envoy_id      TEXT NOT NULL REFERENCES users (id),
	org_id        TEXT REFERENCES organizations (id),
	village       TEXT NOT NULL DEFAULT '',
	region        TEXT NOT NULL DEFAULT '', -- where: the enterprise's or the village's region code
	created_at    TEXT NOT NULL
);
CREATE INDEX visits_envoy ON visits (envoy_id, created_at);
CREATE INDEX visits_org ON visits (org_id);

CREATE TABLE visit_versions (
	visit_id   TEXT NOT NULL REFERENCES visits (id),
	version    INTEGER NOT NULL CHECK (version >= 1),
	on_day     TEXT NOT NULL, -- the day of the visit in China (YYYY-MM-DD)
	topic      TEXT NOT NULL,
	findings   TEXT NOT NULL,
	follow_up  TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT '', -- why a correction was made
	created_by TEXT NOT NULL REFERENCES users (id),
	created_at TEXT NOT NULL,
	PRIMARY KEY (visit_id, version)
);
CREATE INDEX visit_versions_day ON visit_versions (on_day);
CREATE TRIGGER visit_versions_no_update BEFORE UPDATE ON visit_versions BEGIN SELECT RAISE(ABORT, 'visit versions are append-only'); END;
CREATE TRIGGER visit_versions_no_delete BEFORE DELETE ON visit_versions BEGIN SELECT RAISE(ABORT, 'visit versions are append-only'); END;
CREATE TRIGGER visits_no_delete BEFORE DELETE ON visits BEGIN SELECT RAISE(ABORT, 'visits are never deleted'); END;

-- A challenge an envoy drafted from a visit for the enterprise visited. It
-- is stored as a draft of the enterprise and waits until a member of the
-- enterprise confirms it (confirmed_at, then published) or returns it
-- (returned_at, then closed).
CREATE TABLE challenge_origins (
	challenge_id TEXT PRIMARY KEY REFERENCES challenges (id),
	envoy_id     TEXT NOT NULL REFERENCES users (id),
	visit_id     TEXT NOT NULL REFERENCES visits (id),
	created_at   TEXT NOT NULL,
	confirmed_at TEXT NOT NULL DEFAULT '',
	confirmed_by TEXT NOT NULL DEFAULT '',
	returned_at  TEXT NOT NULL DEFAULT '',
	returned_by  TEXT NOT NULL DEFAULT '',
	return_note  TEXT NOT NULL DEFAULT '',
	CHECK (confirmed_at = '' OR returned_at = '')
);
CREATE INDEX challenge_origins_envoy ON challenge_origins (envoy_id, created_at);
CREATE INDEX challenge_origins_visit ON challenge_origins (visit_id);
