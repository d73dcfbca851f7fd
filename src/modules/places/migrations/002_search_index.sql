-- Place search reads the names nearest a query from a GiST trigram index (ordered by word-similarity distance
-- `<->>`, equal names by distance to the map centre) and ranks only those. The GIN index answered every place
-- above the similarity threshold: a common word ("jalan", "sekolah dasar negeri") matched thousands, and each
-- search ranked them all. The tenant leads the index (btree_gist), so one city's search never reads another's.
-- A 256-byte signature keeps the inner pages selective for names of a few words with their aliases.
CREATE EXTENSION IF NOT EXISTS btree_gist;

DROP INDEX places_folded;
CREATE INDEX places_search ON places USING gist (tenant, folded gist_trgm_ops (siglen = 256), geom);
