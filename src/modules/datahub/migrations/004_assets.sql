-- Public assets as first-class map layers: free-wifi hotspots, public facilities, evacuation points.
CREATE TABLE datahub_assets (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('wifi', 'facility', 'evacuation')),
  name text NOT NULL,
  -- Facilities: rumah sakit, puskesmas…; wifi: the programme.
  category text,
  provider text,
  status text NOT NULL DEFAULT 'unknown' CHECK (status IN ('unknown', 'up', 'down')),
  address text,
  location geometry(Point, 4326) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX datahub_assets_name ON datahub_assets (tenant, kind, lower(name));
CREATE INDEX datahub_assets_kind ON datahub_assets (tenant, kind);
