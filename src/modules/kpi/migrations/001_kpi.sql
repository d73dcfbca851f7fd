-- Smart-city KPIs: each tenant's catalogue of indicators with yearly targets, the series of values per period
-- (computed by jobs or entered by an OPD), the history of every entered change, and recompute runs.

CREATE TABLE kpi_indicators (
  tenant text NOT NULL,
  code text NOT NULL,
  name_id text NOT NULL,
  name_en text NOT NULL,
  dimension text NOT NULL CHECK (dimension IN ('governance', 'branding', 'economy', 'living', 'society', 'environment')),
  unit text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('higher', 'lower')),
  frequency text NOT NULL CHECK (frequency IN ('daily', 'monthly', 'yearly')),
  source text NOT NULL CHECK (source IN ('computed', 'entered')),
  -- The module that computes it (computed indicators); absent modules make it "not available".
  module text,
  -- The OPD (tenancy agency id) that owns the indicator.
  agency_id uuid,
  breakdowns text[] NOT NULL DEFAULT '{}',
  formula_id text NOT NULL DEFAULT '',
  formula_en text NOT NULL DEFAULT '',
  is_active boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, code)
);

CREATE TABLE kpi_targets (
  tenant text NOT NULL,
  code text NOT NULL,
  year int NOT NULL,
  target double precision NOT NULL,
  PRIMARY KEY (tenant, code, year)
);

-- The series: one value per indicator, period and breakdown ('' and '' for the whole city).
CREATE TABLE kpi_values (
  tenant text NOT NULL,
  code text NOT NULL,
  period text NOT NULL,
  breakdown_by text NOT NULL DEFAULT '',
  breakdown_key text NOT NULL DEFAULT '',
  value double precision NOT NULL,
  note text,
  evidence_url text,
  version int NOT NULL DEFAULT 1,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, code, period, breakdown_by, breakdown_key)
);

-- Every version of an entered value: who changed what, when.
CREATE TABLE kpi_value_history (
  tenant text NOT NULL,
  code text NOT NULL,
  period text NOT NULL,
  breakdown_by text NOT NULL,
  breakdown_key text NOT NULL,
  version int NOT NULL,
  value double precision NOT NULL,
  note text,
  evidence_url text,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, code, period, breakdown_by, breakdown_key, version)
);

-- A recompute of past periods asked for by an admin, with its progress.
CREATE TABLE kpi_recomputes (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  from_period text NOT NULL,
  to_period text NOT NULL,
  total int NOT NULL,
  done int NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
  error text,
  requested_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (tenant, id)
);
