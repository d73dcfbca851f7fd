-- The situation room's schedule per tenant: the wall's panels in order, each shown for its seconds.
-- A tenant without a row gets the default schedule (every panel, 30 s each).
CREATE TABLE kpi_wall_settings (
  tenant text PRIMARY KEY,
  panels jsonb NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
