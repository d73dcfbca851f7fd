-- An unsubscribe token is found by its SHA-256 (192 random bits: a fast hash is enough, as for API tokens); the
-- token itself, needed for the link in every e-mail, is stored sealed (sealed at the next start).
ALTER TABLE alert_subscriptions ADD COLUMN unsubscribe_hash text;
UPDATE alert_subscriptions SET unsubscribe_hash = encode(sha256(convert_to(unsubscribe_token, 'UTF8')), 'hex');
ALTER TABLE alert_subscriptions ALTER COLUMN unsubscribe_hash SET NOT NULL;
CREATE UNIQUE INDEX alert_subscriptions_unsubscribe ON alert_subscriptions (unsubscribe_hash);
DROP INDEX alert_subscriptions_token;
