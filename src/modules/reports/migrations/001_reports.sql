-- Citizen reports (aduan): a tenant's categories routed to its OPDs with SLAs, the reports with their
-- timeline, supporters and photos, escalations, notifications to reporters, and per-tenant settings.

-- A tenant's report categories: the responsible OPD, SLA hours per status and in total, Open311 code.
CREATE TABLE report_categories (
  tenant text NOT NULL,
  code text NOT NULL,
  service_code text NOT NULL,
  label_id text NOT NULL,
  label_en text NOT NULL,
  description text,
  group_code text,
  keywords text[] NOT NULL DEFAULT '{}',
  -- The OPD (tenancy agency id) that handles it; NULL leaves routing to the operator.
  agency_id uuid,
  is_public boolean NOT NULL DEFAULT true,
  is_active boolean NOT NULL DEFAULT true,
  -- Hours allowed in each status ({"submitted": 4, "verified": 4, "assigned": 24, "in_progress": 72}).
  sla_hours jsonb NOT NULL DEFAULT '{}'::jsonb,
  total_sla_hours int NOT NULL,
  -- `working`: SLA hours count only working hours (tenant settings); `continuous`: every hour counts.
  calendar text NOT NULL DEFAULT 'working' CHECK (calendar IN ('working', 'continuous')),
  notice text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, code)
);
CREATE UNIQUE INDEX report_categories_service_code ON report_categories (tenant, service_code);

-- Working hours, holidays, the reopen window and the notification webhook of a tenant.
CREATE TABLE report_settings (
  tenant text NOT NULL,
  reopen_days int NOT NULL DEFAULT 7,
  working_days int[] NOT NULL DEFAULT '{1,2,3,4,5}',
  work_start text NOT NULL DEFAULT '07:30',
  work_end text NOT NULL DEFAULT '16:00',
  holidays date[] NOT NULL DEFAULT '{}',
  webhook_url text,
  webhook_secret text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant)
);

-- Which OPDs an agency officer works for (the reports module's own list until tenancy knows it).
CREATE TABLE report_officers (
  tenant text NOT NULL,
  username text NOT NULL,
  agency_id uuid NOT NULL,
  PRIMARY KEY (tenant, username, agency_id)
);

-- Human numbers R-{yyyy}-{serial}: one counter row per tenant and year, locked while it is used.
CREATE TABLE report_counters (
  tenant text NOT NULL,
  year int NOT NULL,
  last_serial int NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, year)
);

CREATE TABLE reports (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  number text NOT NULL,
  -- The reporter's tracking code: shown once to the reporter, needed to add photos and to reopen.
  code text NOT NULL,
  category text NOT NULL,
  status text NOT NULL DEFAULT 'submitted'
    CHECK (status IN ('submitted', 'verified', 'assigned', 'in_progress', 'resolved', 'closed', 'rejected', 'reopened', 'merged')),
  source text NOT NULL CHECK (source IN ('web', 'open311', 'operator')),
  location geometry(Point, 4326) NOT NULL,
  address text,
  kelurahan_code text,
  kelurahan_name text,
  kecamatan_code text,
  kecamatan_name text,
  description text NOT NULL,
  agency_id uuid,
  is_public boolean NOT NULL,
  reporter_name text,
  reporter_phone text,
  reporter_email text,
  -- A salted hash of the submitting address, for rate limits; never the address itself.
  reporter_ip_hash text,
  consent_at timestamptz,
  media_url text,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  merged_into uuid,
  incident_id text,
  supporters int NOT NULL DEFAULT 0,
  -- The latest note the public sees beside the status (a rejection reason, a resolution note).
  status_note text,
  status_since timestamptz NOT NULL,
  -- Bumped on every status change, so a pending SLA job can tell it is stale.
  status_version int NOT NULL DEFAULT 1,
  status_due_at timestamptz,
  due_at timestamptz,
  escalation_level int NOT NULL DEFAULT 0,
  resolved_at timestamptz,
  closed_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX reports_number ON reports (tenant, number);
CREATE UNIQUE INDEX reports_code ON reports (tenant, code);
CREATE INDEX reports_recent ON reports (tenant, created_at DESC, id DESC);
CREATE INDEX reports_open ON reports (tenant, category, created_at) WHERE status NOT IN ('resolved', 'closed', 'rejected', 'merged');
CREATE INDEX reports_location ON reports USING gist (location);
CREATE INDEX reports_ip ON reports (tenant, reporter_ip_hash, created_at);
CREATE INDEX reports_phone ON reports (tenant, reporter_phone, created_at);

-- Every step of a report in order; `is_public` entries make the citizen's tracking page.
CREATE TABLE report_timeline (
  tenant text NOT NULL,
  report_id uuid NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('submitted', 'status', 'routed', 'handed_back', 'escalated', 'supported', 'merged', 'note', 'photo', 'incident')),
  actor text,
  is_public boolean NOT NULL DEFAULT false,
  text text,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (tenant, report_id, id)
);

-- "Saya juga mengalami ini": people who have the same problem, instead of a new report.
CREATE TABLE report_supporters (
  tenant text NOT NULL,
  report_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text,
  phone text,
  email text,
  ip_hash text,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant, report_id, id)
);
CREATE INDEX report_supporters_ip ON report_supporters (tenant, ip_hash, created_at);

-- Photos re-encoded as JPEG without metadata, kept in the database so every instance serves them.
CREATE TABLE report_photos (
  tenant text NOT NULL,
  report_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('report', 'proof')),
  mime text NOT NULL,
  width int NOT NULL,
  height int NOT NULL,
  bytes bytea NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant, report_id, id)
);

-- Each notification of a reporter (webhook to an SMS/WhatsApp gateway, e-mail) and how it went.
CREATE TABLE report_deliveries (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  report_id uuid NOT NULL,
  channel text NOT NULL CHECK (channel IN ('webhook', 'email')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  payload jsonb NOT NULL,
  attempts int NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL,
  delivered_at timestamptz,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX report_deliveries_report ON report_deliveries (tenant, report_id, created_at);
