-- The recommendation walks, per kind, the nearest available units of its tenant: with the tenant and kind leading the
-- index (btree_gist), the KNN walk never steps over another city's units or units of another kind.
CREATE EXTENSION IF NOT EXISTS btree_gist;
DROP INDEX units_available;
CREATE INDEX units_available ON units USING gist (tenant, kind, location) WHERE status = 'available' AND archived_at IS NULL;
