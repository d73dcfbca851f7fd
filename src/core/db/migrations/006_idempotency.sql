-- The first answer to a create sent with an Idempotency-Key, per tenant and caller, kept 24 hours: a client that
-- retries after a dropped connection gets it again instead of a duplicate.
CREATE TABLE idempotency_keys (
  tenant text NOT NULL,
  caller text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  -- Null while the first request is still being handled.
  status integer,
  content_type text,
  body text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, caller, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
