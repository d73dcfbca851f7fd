-- Tenancy now knows which OPDs a person works for (agency_members); the reports module's own list moves there.
INSERT INTO agency_members (tenant, user_id, agency_id)
SELECT o.tenant, u.id, o.agency_id
FROM report_officers o
JOIN users u ON lower(u.username) = lower(o.username)
JOIN agencies a ON a.tenant = o.tenant AND a.id = o.agency_id
ON CONFLICT DO NOTHING;
DROP TABLE report_officers;
