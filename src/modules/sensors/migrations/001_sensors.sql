-- Sensors: devices, their readings (partitioned by month), latest values, threshold rules and alarms.
CREATE TABLE devices (
  tenant text NOT NULL,
  -- Also the MQTT username and part of the topic, so unique across the install.
  id text NOT NULL UNIQUE,
  name text NOT NULL,
  kind text NOT NULL,
  agency_id uuid,
  metrics jsonb NOT NULL,
  location geometry(Point, 4326) NOT NULL,
  -- How often the device reports; silence for twice this long raises an offline alarm.
  interval_seconds int NOT NULL DEFAULT 300,
  token_hash text NOT NULL,
  status text NOT NULL DEFAULT 'unknown' CHECK (status IN ('unknown', 'online', 'offline')),
  last_seen_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  archived_at timestamptz,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX devices_location ON devices USING gist (location);

CREATE TABLE readings (
  tenant text NOT NULL,
  device_id text NOT NULL,
  metric text NOT NULL,
  at timestamptz NOT NULL,
  value double precision NOT NULL,
  PRIMARY KEY (tenant, device_id, metric, at)
) PARTITION BY RANGE (at);
-- Months get partitions of their own from a recurring job; anything else lands here and is never lost.
CREATE TABLE readings_default PARTITION OF readings DEFAULT;

CREATE TABLE latest_values (
  tenant text NOT NULL,
  device_id text NOT NULL,
  metric text NOT NULL,
  at timestamptz NOT NULL,
  value double precision NOT NULL,
  PRIMARY KEY (tenant, device_id, metric)
);

-- Rejected readings are counted per device, day and reason, never stored.
CREATE TABLE ingest_rejections (
  tenant text NOT NULL,
  device_id text NOT NULL,
  day date NOT NULL,
  reason text NOT NULL,
  count bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, device_id, day, reason)
);

CREATE TABLE rules (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  device_kind text,
  device_id text,
  metric text NOT NULL,
  comparison text NOT NULL CHECK (comparison IN ('>', '>=', '<', '<=')),
  threshold double precision NOT NULL,
  duration_seconds int NOT NULL DEFAULT 0,
  hysteresis double precision NOT NULL DEFAULT 0,
  severity text NOT NULL CHECK (severity IN ('info', 'waspada', 'siaga', 'awas')),
  action text NOT NULL DEFAULT 'alarm' CHECK (action IN ('alarm', 'incident', 'alert_draft')),
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  CHECK ((device_kind IS NULL) <> (device_id IS NULL))
);

-- Since when a device has been breaching a rule (for the rule's duration), per rule and device.
CREATE TABLE rule_states (
  tenant text NOT NULL,
  rule_id uuid NOT NULL,
  device_id text NOT NULL,
  breach_since timestamptz,
  PRIMARY KEY (tenant, rule_id, device_id)
);

CREATE TABLE alarms (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('threshold', 'offline')),
  rule_id uuid,
  device_id text NOT NULL,
  severity text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'acknowledged', 'cleared')),
  metric text,
  value double precision,
  threshold double precision,
  raised_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  cleared_at timestamptz,
  PRIMARY KEY (tenant, id)
);
-- One open alarm per rule (or offline) and device: no floods of duplicates.
CREATE UNIQUE INDEX alarms_one_open ON alarms (tenant, device_id, coalesce(rule_id::text, kind)) WHERE status <> 'cleared';
CREATE INDEX alarms_recent ON alarms (tenant, raised_at DESC);
