-- Public warnings as OASIS CAP 1.2 messages, their subscribers by kelurahan and every delivery to them.

-- CAP identifiers {tenant}-{yyyy}-{serial}: one counter row per tenant and year, locked while it is used.
CREATE TABLE alert_counters (
  tenant text NOT NULL,
  year int NOT NULL,
  last_serial int NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, year)
);

-- One row per CAP message. An update or a cancel is a new message of the same thread (`thread` = the id
-- of the first message) whose `refs` name the earlier messages.
CREATE TABLE alerts (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  identifier text NOT NULL,
  thread uuid NOT NULL,
  msg_type text NOT NULL CHECK (msg_type IN ('Alert', 'Update', 'Cancel')),
  -- draft → published → superseded (a later message of the thread was published) | cancelled | expired;
  -- a draft that is never published can be discarded.
  status text NOT NULL CHECK (status IN ('draft', 'published', 'superseded', 'cancelled', 'expired', 'discarded')),
  -- The CAP <info> fields in Bahasa Indonesia, CAP's own names (event, category, urgency …).
  info jsonb NOT NULL,
  -- The optional English <info> block (event, headline, description, instruction, contact).
  english jsonb,
  -- Chosen kecamatan/kelurahan with their simplified boundaries as they were when chosen.
  regions jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- A drawn area as given: GeoJSON Polygon/MultiPolygon, or a circle (a Point Feature with properties.radius in metres).
  area jsonb,
  area_desc text NOT NULL,
  -- Everything the alert covers, for the map and for finding subscribers.
  footprint geometry(Geometry, 4326),
  effective timestamptz,
  onset timestamptz,
  expires timestamptz NOT NULL,
  refs text[] NOT NULL DEFAULT '{}',
  source text NOT NULL DEFAULT 'operator',
  -- What the alert came from: an incident, a sensor alarm, or a BMKG event key (de-duplication).
  incident_id text,
  alarm_id text,
  source_key text,
  author text NOT NULL,
  approver text,
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX alerts_identifier ON alerts (tenant, identifier);
CREATE UNIQUE INDEX alerts_source_key ON alerts (tenant, source_key) WHERE source_key IS NOT NULL;
CREATE INDEX alerts_status ON alerts (tenant, status, created_at DESC);
CREATE INDEX alerts_thread ON alerts (tenant, thread);

-- Citizens and gateways subscribed to the alerts of one kelurahan.
CREATE TABLE alert_subscriptions (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kelurahan text NOT NULL,
  -- The kecamatan of the kelurahan, so an alert for a whole kecamatan reaches it.
  kecamatan text,
  kelurahan_geom geometry(Geometry, 4326),
  channel text NOT NULL CHECK (channel IN ('email', 'webhook', 'push')),
  -- e-mail address, webhook URL or push endpoint.
  address text NOT NULL,
  -- Webhook: its HMAC-SHA256 secret. Push: the browser keys {p256dh, auth}.
  secret text,
  push_keys jsonb,
  language text NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
  unsubscribe_token text NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX alert_subscriptions_token ON alert_subscriptions (unsubscribe_token);
CREATE UNIQUE INDEX alert_subscriptions_address ON alert_subscriptions (tenant, kelurahan, channel, address);

-- Each message sent to each subscriber, with its outcome; retried with backoff by durable jobs.
CREATE TABLE alert_deliveries (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  alert_id uuid NOT NULL,
  subscription_id uuid NOT NULL,
  channel text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts int NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX alert_deliveries_once ON alert_deliveries (tenant, alert_id, subscription_id);

-- The install's VAPID key pair for Web Push, made at first start.
CREATE TABLE alert_vapid (
  id int PRIMARY KEY CHECK (id = 1),
  public_key text NOT NULL,
  private_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- BMKG events already looked at, so a feed polled every minute raises each event once.
CREATE TABLE alert_bmkg_seen (
  key text PRIMARY KEY,
  seen_at timestamptz NOT NULL DEFAULT now()
);
