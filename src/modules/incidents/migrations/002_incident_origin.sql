-- Where an incident came from in another module, as a structured link (a Rojak finding: module patrols,
-- kind finding, its id and number). One incident per origin, so a retried hand-off never makes a second.
ALTER TABLE incidents ADD COLUMN origin jsonb;
CREATE UNIQUE INDEX incidents_origin ON incidents (tenant, (origin ->> 'module'), (origin ->> 'kind'), (origin ->> 'id')) WHERE origin IS NOT NULL;
