-- The inspectorate is an OPD of the tenant (Inspektorat): people who work for it close and reopen findings.
ALTER TABLE patrol_settings ADD COLUMN inspectorate_agency_id uuid;

-- A person's page is reached by an opaque id, so viewers who only see a masked NIP can open it too.
ALTER TABLE asn_staff ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX asn_staff_by_id ON asn_staff (tenant, id);
