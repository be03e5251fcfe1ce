-- Retention of the audit log: every entry is kept at least 184 days
-- (等保 2.0 asks for six months). The log stays append-only for
-- everything else: UPDATE is refused as before, and DELETE only as a
-- purge, which removes a prefix of the chain, never an entry younger than
-- 184 days by the database's own clock, and leaves an anchor (the hash of
-- the last entry it removed) from which the chain is verified again.
CREATE TABLE audit_purges (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	at        TEXT NOT NULL,
	before    TEXT NOT NULL,    -- the cutoff asked for
	upto_seq  INTEGER NOT NULL, -- every audit entry with seq <= upto_seq is removed
	upto_hash TEXT NOT NULL,    -- the hash of entry upto_seq: the next entry's prev_hash
	deleted   INTEGER NOT NULL
);
CREATE TRIGGER audit_purges_no_update BEFORE UPDATE ON audit_purges BEGIN SELECT RAISE(ABORT, 'audit purges are append-only'); END;
CREATE TRIGGER audit_purges_no_delete BEFORE DELETE ON audit_purges BEGIN SELECT RAISE(ABORT, 'audit purges are append-only'); END;

-- An entry may go only when it is older than 184 days (an unreadable
-- time counts as young) and a purge anchor covers it.
DROP TRIGGER audit_no_delete;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
WHEN julianday(OLD.at) IS NULL
	OR julianday(OLD.at) > julianday('now', '-184 days')
	OR OLD.seq > coalesce((SELECT max(upto_seq) FROM audit_purges), 0)
BEGIN SELECT RAISE(ABORT, 'audit log: only entries older than 184 days may be purged'); END;
