-- Contact details of users (个人信息): shown masked, revealed to brokers
-- only, and every reveal is audited.
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
