-- Outbound webhooks: chosen event topics POSTed to a system's URL, signed with HMAC; every delivery logged.
CREATE TABLE datahub_webhooks (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  url text NOT NULL,
  topics text[] NOT NULL,
  -- Shown once at creation; signs every delivery.
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id)
);

CREATE TABLE datahub_deliveries (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  webhook_id uuid NOT NULL,
  event_seq bigint NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts int NOT NULL DEFAULT 0,
  response_status int,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz,
  PRIMARY KEY (tenant, id),
  -- One delivery per event per webhook, however many instances hear the event.
  UNIQUE (tenant, webhook_id, event_seq),
  FOREIGN KEY (tenant, webhook_id) REFERENCES datahub_webhooks (tenant, id) ON DELETE CASCADE
);
CREATE INDEX datahub_deliveries_webhook ON datahub_deliveries (tenant, webhook_id, created_at DESC);
