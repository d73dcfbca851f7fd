-- Read-only tokens of the situation room's screens: a wall opens the KPI wall with one instead of a personal
-- login. Only the SHA-256 of the token is kept; it reads the wall's summary and nothing else.
CREATE TABLE kpi_wall_tokens (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_used_at timestamptz,
  PRIMARY KEY (tenant, id)
);
