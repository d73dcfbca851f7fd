-- Messaging channels (WhatsApp Business Cloud API, Telegram bot, SMS gateway) per tenant, and one delivery record per
-- message to one recipient. `secrets` holds each credential sealed (src/core/secrets.ts); it is never served back.
CREATE TABLE messaging_channels (
  tenant text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('whatsapp', 'telegram', 'sms')),
  enabled boolean NOT NULL DEFAULT true,
  settings jsonb NOT NULL DEFAULT '{}',
  secrets jsonb NOT NULL DEFAULT '{}',
  -- The provider's limit: messages handed over per second.
  rate_per_second int NOT NULL CHECK (rate_per_second > 0),
  -- The tenant's budget: messages per day on this channel (null: no budget).
  daily_budget int CHECK (daily_budget > 0),
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, kind)
);

-- `topic` says what a message is about (`alert:<id>`, `report:<id>:<status>`): one message per topic and recipient on
-- a channel, however many subscriptions lead there.
CREATE TABLE messages (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  channel text NOT NULL,
  recipient text NOT NULL,
  topic text NOT NULL,
  body jsonb NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'delivered', 'read', 'failed')),
  reason text,
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- The provider's id of the (first part of the) message, to which its status webhooks refer.
  provider_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  delivered_at timestamptz,
  read_at timestamptz,
  failed_at timestamptz,
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, topic, channel, recipient)
);
CREATE INDEX messages_due ON messages (tenant, channel, next_attempt_at) WHERE state = 'queued';
CREATE INDEX messages_provider ON messages (tenant, channel, provider_id) WHERE provider_id IS NOT NULL;
CREATE INDEX messages_sent_day ON messages (tenant, channel, sent_at) WHERE sent_at IS NOT NULL;
