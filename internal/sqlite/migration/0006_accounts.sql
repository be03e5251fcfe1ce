-- Account lifecycle: the system administrator disables and re-enables
-- accounts; and one organisation per 统一社会信用代码.

-- disabled: the account cannot sign in, and its sessions and API tokens
-- were ended when it was disabled.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

-- One organisation per credit code. Institutes may leave it empty; a
-- rejected registration never comes back (reviews are final), so it does
-- not hold its code against a corrected registration.
CREATE UNIQUE INDEX organizations_credit_code ON organizations (credit_code)
	WHERE credit_code <> '' AND status <> 'rejected';
