-- The levy a market is expected to bring in over a year (target PAD retribusi pasar), set by the market office.
-- One row per market and year; setting it again replaces it (who set it and when is kept with the row and in the event log).
CREATE TABLE levy_market_targets (
  tenant text NOT NULL,
  market_id uuid NOT NULL,
  year int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  amount numeric(16, 2) NOT NULL CHECK (amount > 0),
  set_by text NOT NULL,
  set_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, market_id, year),
  FOREIGN KEY (tenant, market_id) REFERENCES levy_markets (tenant, id)
);
