-- Where a value comes from: how many records a computed value was made of, and for a snapshot indicator how
-- many samples its mean is of.
ALTER TABLE kpi_values ADD COLUMN records int;
ALTER TABLE kpi_values ADD COLUMN samples int;

-- Snapshot indicators (cameras online now) are sampled through their period: the running sum and count of the
-- samples per period and breakdown, whose mean is the period's value. One row per period, however many samples.
CREATE TABLE kpi_snapshot_samples (
  tenant text NOT NULL,
  code text NOT NULL,
  period text NOT NULL,
  breakdown_by text NOT NULL DEFAULT '',
  breakdown_key text NOT NULL DEFAULT '',
  total double precision NOT NULL,
  samples int NOT NULL,
  -- The records of the latest sample (how many cameras were judged then).
  records int,
  first_at timestamptz NOT NULL,
  last_at timestamptz NOT NULL,
  PRIMARY KEY (tenant, code, period, breakdown_by, breakdown_key)
);
