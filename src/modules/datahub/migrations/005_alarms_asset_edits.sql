-- Assets are edited and archived from the console; a hotspot may carry a URL the scheduled probe checks for its status.
ALTER TABLE datahub_assets ADD COLUMN probe_url text, ADD COLUMN checked_at timestamptz, ADD COLUMN archived_at timestamptz;
DROP INDEX datahub_assets_name;
CREATE UNIQUE INDEX datahub_assets_name ON datahub_assets (tenant, kind, lower(name)) WHERE archived_at IS NULL;

-- A failed connector run raises an alarm: one open alarm per connector, cleared by its next good run.
CREATE TABLE datahub_alarms (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  connector_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'acknowledged', 'cleared')),
  -- The latest failure's error and run; failures counts the failed runs while the alarm is open.
  error text NOT NULL,
  run_id uuid,
  failures int NOT NULL DEFAULT 1,
  raised_at timestamptz NOT NULL DEFAULT now(),
  failed_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  acknowledged_by text,
  cleared_at timestamptz,
  PRIMARY KEY (tenant, id),
  FOREIGN KEY (tenant, connector_id) REFERENCES datahub_connectors (tenant, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX datahub_alarms_one_open ON datahub_alarms (tenant, connector_id) WHERE status <> 'cleared';
CREATE INDEX datahub_alarms_recent ON datahub_alarms (tenant, raised_at DESC);
