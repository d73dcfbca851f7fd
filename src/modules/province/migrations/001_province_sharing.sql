-- What a kota/kabupaten shows its province, per module. A module without a row is shared (the default): the
-- province sees counts and scores, never people or records, and a city turns a module off here.
CREATE TABLE province_sharing (
  tenant text NOT NULL,
  module text NOT NULL CHECK (module IN ('incidents', 'alerts', 'sensors', 'cctv', 'reports', 'kpi')),
  is_shared boolean NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, module)
);
