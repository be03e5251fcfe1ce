-- How often a posting's match list was opened by someone who can act on
-- it (a member of the posting's organisation or a broker), for the
-- dashboard's funnel step 查看匹配. One counter per posting and day (China
-- date): no reader, no address, nothing about who looked.
CREATE TABLE match_views (
	doc_type TEXT NOT NULL CHECK (doc_type IN ('challenge', 'capability')),
	doc_id   TEXT NOT NULL,
	day      TEXT NOT NULL, -- YYYY-MM-DD, China time
	views    INTEGER NOT NULL DEFAULT 0 CHECK (views >= 0),
	PRIMARY KEY (doc_type, doc_id, day)
);
