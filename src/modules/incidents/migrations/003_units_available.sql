-- The recommendation's KNN walks only the units it may propose: available, not archived.
CREATE INDEX units_available ON units USING gist (location) WHERE status = 'available' AND archived_at IS NULL;
