-- Failed logins since the owner's last login, told to them at their next one (someone may be guessing).
ALTER TABLE users ADD COLUMN failed_logins integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_failed_login_at timestamptz;
ALTER TABLE users ADD COLUMN last_failed_login_ip text;

-- A session unused for SESSION_IDLE_MINUTES ends; last_seen_at is refreshed at most once a minute.
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();

-- An API token may be given an end; null lasts until revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;

CREATE INDEX login_failures_username_ip ON login_failures (username, ip, at);
