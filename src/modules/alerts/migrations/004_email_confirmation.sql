-- Double opt-in: an e-mail subscription receives alerts only once its address confirmed it by a link. The link's
-- token is kept as a keyed hash and expires. Subscriptions made before confirmation existed stay active.
ALTER TABLE alert_subscriptions ADD COLUMN confirmed_at timestamptz;
ALTER TABLE alert_subscriptions ADD COLUMN confirm_token_hash text;
ALTER TABLE alert_subscriptions ADD COLUMN confirm_expires_at timestamptz;
UPDATE alert_subscriptions SET confirmed_at = created_at;
CREATE UNIQUE INDEX alert_subscriptions_confirm ON alert_subscriptions (confirm_token_hash) WHERE confirm_token_hash IS NOT NULL;
