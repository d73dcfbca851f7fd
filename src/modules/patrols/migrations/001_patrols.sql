-- Rojak (Ronda Jam Kerja) working-hours patrols: plans with their team, area and checkpoints, the ordered
-- check-ins that make a patrol's track, and findings with photos and their follow-up.

-- A tenant's finding types: ASN findings go to the employee's OPD head; city findings become a report
-- (report category) or an incident (incident type); others stay with the inspectorate.
CREATE TABLE patrol_finding_types (
  tenant text NOT NULL,
  code text NOT NULL,
  label_id text NOT NULL,
  label_en text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('asn', 'city', 'other')),
  report_category text,
  incident_type text,
  position int NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, code),
  CHECK (kind <> 'city' OR report_category IS NOT NULL OR incident_type IS NOT NULL)
);

-- Working days an OPD head has to answer an ASN finding.
CREATE TABLE patrol_settings (
  tenant text NOT NULL,
  follow_up_days int NOT NULL DEFAULT 3 CHECK (follow_up_days BETWEEN 1 AND 60),
  PRIMARY KEY (tenant)
);

CREATE TABLE patrols (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  -- Usernames of the team (people with the patrol_officer role).
  team text[] NOT NULL,
  -- Kecamatan/kelurahan codes the patrol covers.
  area text[] NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'active', 'finished')),
  started_at timestamptz,
  finished_at timestamptz,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  CHECK (ends_at > starts_at)
);
CREATE INDEX patrols_by_start ON patrols (tenant, starts_at DESC);

CREATE TABLE patrol_checkpoints (
  tenant text NOT NULL,
  patrol_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  location geometry(Point, 4326) NOT NULL,
  radius_m int NOT NULL CHECK (radius_m > 0),
  position int NOT NULL,
  PRIMARY KEY (tenant, id),
  FOREIGN KEY (tenant, patrol_id) REFERENCES patrols (tenant, id) ON DELETE CASCADE
);
CREATE INDEX patrol_checkpoints_of_patrol ON patrol_checkpoints (tenant, patrol_id, position);

-- `client_id` is generated on the phone: a queued check-in sent twice is stored once.
CREATE TABLE patrol_checkins (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  patrol_id uuid NOT NULL,
  client_id text NOT NULL,
  actor text NOT NULL,
  location geometry(Point, 4326) NOT NULL,
  accuracy_m real,
  at timestamptz NOT NULL,
  checkpoint_id uuid,
  distance_m int,
  is_within boolean NOT NULL,
  kelurahan_code text,
  kelurahan_name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, client_id),
  FOREIGN KEY (tenant, patrol_id) REFERENCES patrols (tenant, id)
);
CREATE INDEX patrol_checkins_track ON patrol_checkins (tenant, patrol_id, at);

-- Human numbers T-{yyyy}-{serial} (temuan).
CREATE TABLE patrol_finding_counters (
  tenant text NOT NULL,
  year int NOT NULL,
  last_serial int NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, year)
);

CREATE TABLE patrol_findings (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  number text NOT NULL,
  client_id text NOT NULL,
  patrol_id uuid NOT NULL,
  type text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('asn', 'city', 'other')),
  location geometry(Point, 4326) NOT NULL,
  at timestamptz NOT NULL,
  description text NOT NULL,
  kelurahan_code text,
  kelurahan_name text,
  -- ASN findings: the employee and the OPD (tenancy agency id) whose head follows up.
  nip text,
  asn_name text,
  agency_id uuid,
  -- open → responded → closed (reopen returns it to open); city findings are handed_off; others recorded.
  status text NOT NULL CHECK (status IN ('open', 'responded', 'closed', 'handed_off', 'recorded')),
  status_version int NOT NULL DEFAULT 1,
  due_at timestamptz,
  escalation_level int NOT NULL DEFAULT 0,
  response_action text,
  response_note text,
  responded_by text,
  responded_at timestamptz,
  closed_by text,
  closed_at timestamptz,
  report_id text,
  report_number text,
  incident_id text,
  incident_number text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, client_id),
  UNIQUE (tenant, number),
  FOREIGN KEY (tenant, patrol_id) REFERENCES patrols (tenant, id)
);
CREATE INDEX patrol_findings_by_time ON patrol_findings (tenant, created_at DESC, id);
CREATE INDEX patrol_findings_by_agency ON patrol_findings (tenant, agency_id, status);

-- Re-encoded photos (EXIF and GPS stripped by the reports module's encoder).
CREATE TABLE patrol_finding_photos (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  finding_id uuid NOT NULL,
  client_id text,
  mime text NOT NULL,
  width int NOT NULL,
  height int NOT NULL,
  bytes bytea NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, client_id),
  FOREIGN KEY (tenant, finding_id) REFERENCES patrol_findings (tenant, id)
);
CREATE INDEX patrol_finding_photos_of ON patrol_finding_photos (tenant, finding_id, created_at);
