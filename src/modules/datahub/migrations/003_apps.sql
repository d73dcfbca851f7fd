-- The city's applications (app directory) and the health probes that check them.
CREATE TABLE datahub_apps (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  -- The OPD that runs the app: an agency of the tenancy module, by id.
  agency_id uuid,
  description text NOT NULL DEFAULT '',
  url text NOT NULL,
  audience text[] NOT NULL DEFAULT '{}',
  category text NOT NULL DEFAULT 'lainnya',
  status text NOT NULL DEFAULT 'unknown' CHECK (status IN ('unknown', 'up', 'down')),
  response_ms int,
  last_error text,
  checked_at timestamptz,
  archived_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX datahub_apps_name ON datahub_apps (tenant, lower(name)) WHERE archived_at IS NULL;

-- One row per probe; uptime over 30 days is the share of probes that found the app up.
CREATE TABLE datahub_app_checks (
  tenant text NOT NULL,
  app_id uuid NOT NULL,
  checked_at timestamptz NOT NULL DEFAULT now(),
  up boolean NOT NULL,
  response_ms int,
  error text,
  FOREIGN KEY (tenant, app_id) REFERENCES datahub_apps (tenant, id) ON DELETE CASCADE
);
CREATE INDEX datahub_app_checks_app ON datahub_app_checks (tenant, app_id, checked_at DESC);
