-- Data hub: datasets of the OPDs, their resources with every uploaded version, the parsed rows of each
-- version, pushed batches, and the connectors that fetch data on a schedule.
CREATE TABLE datahub_datasets (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  -- The organisation: an agency (OPD) of the tenancy module, by id.
  agency_id uuid,
  tags text[] NOT NULL DEFAULT '{}',
  license text NOT NULL DEFAULT 'cc-by',
  frequency text,
  temporal_coverage text,
  spatial_coverage text,
  contact text,
  producer text,
  steward text,
  is_public boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX datahub_datasets_name ON datahub_datasets (tenant, name) WHERE deleted_at IS NULL;
CREATE INDEX datahub_datasets_public ON datahub_datasets (is_public, updated_at) WHERE deleted_at IS NULL;

CREATE TABLE datahub_resources (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  dataset_id uuid NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('file', 'link', 'connector')),
  url text,
  format text NOT NULL,
  -- The columns rows are checked against: [{name, type}]; empty for links.
  columns jsonb NOT NULL DEFAULT '[]',
  current_version int,
  has_points boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  FOREIGN KEY (tenant, dataset_id) REFERENCES datahub_datasets (tenant, id) ON DELETE CASCADE
);
CREATE INDEX datahub_resources_dataset ON datahub_resources (tenant, dataset_id, created_at);

-- Every upload or connector run is a version; old ones stay downloadable.
CREATE TABLE datahub_versions (
  tenant text NOT NULL,
  resource_id uuid NOT NULL,
  version int NOT NULL,
  filename text,
  format text NOT NULL,
  media_type text NOT NULL,
  size int NOT NULL DEFAULT 0,
  content bytea,
  columns jsonb NOT NULL DEFAULT '[]',
  row_count int NOT NULL DEFAULT 0,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, resource_id, version),
  FOREIGN KEY (tenant, resource_id) REFERENCES datahub_resources (tenant, id) ON DELETE CASCADE
);

CREATE TABLE datahub_rows (
  tenant text NOT NULL,
  resource_id uuid NOT NULL,
  version int NOT NULL,
  n int NOT NULL,
  data jsonb NOT NULL,
  location geometry(Point, 4326),
  PRIMARY KEY (tenant, resource_id, version, n),
  FOREIGN KEY (tenant, resource_id, version) REFERENCES datahub_versions (tenant, resource_id, version) ON DELETE CASCADE
);
CREATE INDEX datahub_rows_data ON datahub_rows USING gin (data jsonb_path_ops);

-- A pushed batch id is stored once; a repeat gets the first answer back.
CREATE TABLE datahub_batches (
  tenant text NOT NULL,
  resource_id uuid NOT NULL,
  batch_id text NOT NULL,
  result jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, resource_id, batch_id),
  FOREIGN KEY (tenant, resource_id) REFERENCES datahub_resources (tenant, id) ON DELETE CASCADE
);

CREATE TABLE datahub_connectors (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  dataset_id uuid NOT NULL,
  resource_id uuid NOT NULL,
  url text NOT NULL,
  format text NOT NULL CHECK (format IN ('json', 'csv', 'geojson')),
  rows_path text,
  -- Headers may carry a token; they stay on the server.
  headers jsonb NOT NULL DEFAULT '{}',
  mapping jsonb,
  schedule text NOT NULL DEFAULT 'manual',
  last_run_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  FOREIGN KEY (tenant, dataset_id) REFERENCES datahub_datasets (tenant, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant, resource_id) REFERENCES datahub_resources (tenant, id) ON DELETE CASCADE
);

CREATE TABLE datahub_runs (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  connector_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'failed')),
  rows int NOT NULL DEFAULT 0,
  bytes int NOT NULL DEFAULT 0,
  version int,
  error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (tenant, id),
  FOREIGN KEY (tenant, connector_id) REFERENCES datahub_connectors (tenant, id) ON DELETE CASCADE
);
CREATE INDEX datahub_runs_connector ON datahub_runs (tenant, connector_id, started_at DESC);
