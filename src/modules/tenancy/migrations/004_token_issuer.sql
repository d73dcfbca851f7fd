-- An API token carries no more than the person who issued it: every use checks that person's account (active,
-- still an administrator there, else only the roles and OPDs they still hold).
ALTER TABLE api_tokens ADD COLUMN created_by_user uuid REFERENCES users (id);
UPDATE api_tokens t SET created_by_user = u.id FROM users u WHERE u.username = t.created_by;

-- The OPDs a token acts for; null: every OPD its issuer acts for.
ALTER TABLE api_tokens ADD COLUMN agencies uuid[];
