-- Place search: one index of names a caller, a citizen or a dispatcher may type (streets and POIs of the basemap,
-- kelurahan and kecamatan, facilities, markets, and the city's own named places), compared by trigram similarity.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE places (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- Where the name comes from; a refresh of a source replaces that source's rows only.
  source text NOT NULL CHECK (source IN ('basemap', 'named', 'region', 'facility', 'market')),
  -- The source's own key (region code, facility id, "street:Jalan Pemuda:0"), so a refresh updates in place.
  source_ref text NOT NULL,
  -- What it is: street, hospital, marketplace, park, kelurahan, kecamatan, landmark…
  kind text NOT NULL,
  name text NOT NULL,
  aliases text[] NOT NULL DEFAULT '{}',
  -- The folded name and aliases (see names.ts) that searches compare with.
  folded text NOT NULL,
  -- Where it lies in words ("Kec. Magelang Tengah"), filled from the tenant's regions.
  context text,
  geom geometry(Geometry, 4326) NOT NULL,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, source, source_ref)
);
CREATE INDEX places_folded ON places USING gin (folded gin_trgm_ops);
CREATE INDEX places_geom ON places USING gist (geom);
CREATE INDEX places_kind ON places (tenant, kind);

-- When each source was last read into the index, and from which version (the basemap archive's size and time).
CREATE TABLE place_sources (
  tenant text NOT NULL,
  source text NOT NULL,
  version text,
  places integer NOT NULL,
  refreshed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, source)
);
