-- A tenant changes its finding catalogue: a retired type takes no new findings but keeps its old ones.
ALTER TABLE patrol_finding_types ADD COLUMN retired_at timestamptz;

-- Working days after the due date at which an unanswered ASN finding climbs each escalation step
-- (1: inspectorate, 2 and later: command center); NULL means the due date, then one follow-up period later.
ALTER TABLE patrol_settings ADD COLUMN escalation_days int[];
