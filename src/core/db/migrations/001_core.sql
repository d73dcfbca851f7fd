-- Core tables: the event log (audit trail and live feed) and durable jobs. Tenant-owned rows carry
-- `tenant` (Kemendagri region code) first in their primary key.
CREATE EXTENSION IF NOT EXISTS postgis;

-- One row per tenant; its row lock serialises event writes per tenant, so sequences are gapless and
-- commit in order (a live client can trust that seq N+1 is the next one it will ever see).
CREATE TABLE event_counters (
  tenant text PRIMARY KEY,
  last_seq bigint NOT NULL DEFAULT 0
);

CREATE TABLE events (
  tenant text NOT NULL,
  seq bigint NOT NULL,
  topic text NOT NULL,
  type text NOT NULL,
  entity text,
  actor text,
  at timestamptz NOT NULL DEFAULT now(),
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (tenant, seq)
);
CREATE INDEX events_topic ON events (tenant, topic, seq);

-- The log is append-only: nothing may change or remove a row once written.
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the event log is append-only';
END
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_append_only();

CREATE TABLE jobs (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL,
  -- Optional: a second job with the same key while one is pending is not added.
  dedupe_key text,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts int NOT NULL DEFAULT 0,
  max_attempts int NOT NULL DEFAULT 5,
  last_error text,
  locked_until timestamptz,
  done_at timestamptz,
  failed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id)
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE done_at IS NULL AND failed_at IS NULL;
CREATE UNIQUE INDEX jobs_dedupe ON jobs (tenant, kind, dedupe_key)
  WHERE dedupe_key IS NOT NULL AND done_at IS NULL AND failed_at IS NULL;

-- Facts about this install, e.g. whether the demo city was seeded.
CREATE TABLE instance_state (
  key text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
