-- A BMKG event is raised in two steps that commit on their own (the incident, then the draft alert). The claim
-- row keeps the alert id chosen before the first step, so a poll after a failure between them finds the incident
-- made for that id and resumes the event instead of raising a second incident. `raised_at` marks it finished;
-- `claimed_until` keeps another instance from working on the same event at the same time.
ALTER TABLE alert_bmkg_seen ADD COLUMN alert_id uuid;
ALTER TABLE alert_bmkg_seen ADD COLUMN claimed_until timestamptz NOT NULL DEFAULT now();
ALTER TABLE alert_bmkg_seen ADD COLUMN raised_at timestamptz;
UPDATE alert_bmkg_seen SET raised_at = seen_at;
