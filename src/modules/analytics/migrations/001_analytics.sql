-- Video-analytics sources: a Frigate instance (its MQTT broker, topic prefix and HTTP API) or a vendor's NVR that
-- posts signed webhooks. The broker and API URLs may carry a login and the webhook secret is a secret: all sealed.
CREATE TABLE analytics_sources (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('frigate', 'webhook')),
  name text NOT NULL,
  broker_url text,
  topic_prefix text NOT NULL DEFAULT 'frigate',
  api_url text,
  webhook_secret text,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id)
);

-- Which Kendali camera a source's camera (or one of its zones, '' for the whole camera) is, and the zone's name.
CREATE TABLE analytics_cameras (
  tenant text NOT NULL,
  source_id uuid NOT NULL,
  camera text NOT NULL,
  zone text NOT NULL DEFAULT '',
  camera_id uuid NOT NULL,
  zone_label text,
  PRIMARY KEY (tenant, source_id, camera, zone),
  FOREIGN KEY (tenant, source_id) REFERENCES analytics_sources (tenant, id) ON DELETE CASCADE
);

-- What a detection must be to raise something: its label, zone, camera, score and time of day in the tenant's zone.
CREATE TABLE analytics_rules (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  label text NOT NULL,
  zone text,
  camera_id uuid,
  min_score real NOT NULL DEFAULT 0,
  -- Minutes after midnight; a window whose end is before its start runs past midnight (22.00-05.00).
  from_minute integer CHECK (from_minute BETWEEN 0 AND 1439),
  to_minute integer CHECK (to_minute BETWEEN 0 AND 1439),
  action text NOT NULL CHECK (action IN ('alarm', 'incident')),
  severity text NOT NULL,
  incident_type text,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  CHECK ((from_minute IS NULL) = (to_minute IS NULL))
);

-- A detection a rule raised: an alarm with the sensors' lifecycle, once per source event id (the unique key makes a
-- duplicate delivery or a restart's replay an update, never a second alarm).
CREATE TABLE analytics_detections (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  source_id uuid NOT NULL,
  event_id text NOT NULL,
  rule_id uuid NOT NULL,
  rule_name text NOT NULL,
  action text NOT NULL,
  severity text NOT NULL,
  incident_type text,
  camera_id uuid NOT NULL,
  camera_name text NOT NULL,
  location jsonb NOT NULL,
  camera text NOT NULL,
  label text NOT NULL,
  zones text[] NOT NULL DEFAULT '{}',
  zone_label text,
  score real NOT NULL,
  started_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'acknowledged', 'cleared')),
  acknowledged_at timestamptz,
  acknowledged_by text,
  cleared_at timestamptz,
  snapshot bytea,
  snapshot_type text,
  incident_id text,
  incident_number text,
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, source_id, event_id)
);
CREATE INDEX analytics_detections_recent ON analytics_detections (tenant, started_at DESC);
