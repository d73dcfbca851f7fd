-- Device kinds a tenant changed or added; the built-in defaults live in code (catalogue.ts) and are merged in.
CREATE TABLE device_kinds (
  tenant text NOT NULL,
  code text NOT NULL,
  label_id text NOT NULL,
  label_en text NOT NULL,
  -- [{name, label: {id, en}, unit, min, max}]
  metrics jsonb NOT NULL,
  -- [{name, metric, comparison, threshold, durationSeconds, hysteresis, severity, action}]
  default_rules jsonb NOT NULL DEFAULT '[]',
  icon text NOT NULL,
  color text NOT NULL,
  is_active boolean NOT NULL DEFAULT true,
  PRIMARY KEY (tenant, code)
);
