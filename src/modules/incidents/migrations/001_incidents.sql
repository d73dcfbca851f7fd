-- Incidents and dispatch: the incident record whatever its source, its timeline, facilities, units with
-- their positions, the dispatch of units to incidents, and per-priority time targets.

-- A tenant's own incident types; the built-in catalogue (see types.ts) applies where a tenant has none.
CREATE TABLE incident_types (
  tenant text NOT NULL,
  code text NOT NULL,
  label_id text NOT NULL,
  label_en text NOT NULL,
  default_priority text NOT NULL CHECK (default_priority IN ('P1', 'P2', 'P3', 'P4')),
  unit_kinds text[] NOT NULL,
  is_active boolean NOT NULL DEFAULT true,
  PRIMARY KEY (tenant, code)
);

-- Human numbers `{tenant}-{yyyy}-{serial}`: one counter row per tenant and year, locked while it is used.
CREATE TABLE incident_counters (
  tenant text NOT NULL,
  year int NOT NULL,
  last_serial int NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, year)
);

CREATE TABLE incidents (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  number text NOT NULL,
  source text NOT NULL CHECK (source IN ('call_112', 'call_119', 'report', 'sensor', 'cctv', 'bmkg', 'patrol', 'operator')),
  type text NOT NULL,
  priority text NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'dispatched', 'on_scene', 'closed', 'cancelled')),
  location geometry(Point, 4326) NOT NULL,
  address text,
  kelurahan_code text,
  kelurahan_name text,
  kecamatan_code text,
  kecamatan_name text,
  caller_name text,
  caller_phone text,
  description text,
  agency_ids uuid[] NOT NULL DEFAULT '{}',
  -- Where it came from in another module (a citizen report, a sensor alarm, a public alert), by id.
  report_id text,
  alarm_id text,
  alert_id text,
  outcome text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz,
  on_scene_at timestamptz,
  hospital_at timestamptz,
  closed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX incidents_number ON incidents (tenant, number);
CREATE INDEX incidents_recent ON incidents (tenant, created_at DESC, id DESC);
CREATE INDEX incidents_open ON incidents (tenant, priority, created_at) WHERE status IN ('new', 'dispatched', 'on_scene');
CREATE INDEX incidents_location ON incidents USING gist (location);
-- One incident per sensor alarm, however many instances hear of it.
CREATE UNIQUE INDEX incidents_alarm ON incidents (tenant, alarm_id) WHERE alarm_id IS NOT NULL;

-- Every change and note of an incident, in order; each entry also has its event in the log.
CREATE TABLE incident_timeline (
  tenant text NOT NULL,
  incident_id uuid NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL CHECK (kind IN ('created', 'status', 'note', 'call', 'dispatch', 'unit_status', 'update')),
  actor text,
  text text,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (tenant, incident_id, id)
);

CREATE TABLE facilities (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('hospital', 'puskesmas', 'fire_station', 'bpbd_post', 'satpol_pp_post', 'police_station', 'evacuation_point')),
  agency_id uuid,
  address text,
  phone text,
  location geometry(Point, 4326) NOT NULL,
  -- Emergency capacity (IGD beds), for hospitals and puskesmas with an emergency room.
  has_emergency boolean NOT NULL DEFAULT false,
  er_beds int,
  er_beds_available int,
  capacity_updated_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  archived_at timestamptz,
  PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX facilities_code ON facilities (tenant, code) WHERE archived_at IS NULL;
CREATE INDEX facilities_location ON facilities USING gist (location);

CREATE TABLE units (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  callsign text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('ambulance', 'fire_engine', 'rescue', 'satpol_pp', 'police')),
  agency_id uuid,
  home_facility_id uuid,
  -- [{name, phone?, username?}]: a username lets that field crew member move this unit.
  crew jsonb NOT NULL DEFAULT '[]'::jsonb,
  status text NOT NULL DEFAULT 'available' CHECK (status IN
    ('available', 'dispatched', 'en_route', 'on_scene', 'transporting', 'at_hospital', 'returning', 'out_of_service')),
  status_since timestamptz NOT NULL DEFAULT now(),
  -- The one incident the unit serves, and where it takes the patient.
  incident_id uuid,
  destination_id uuid,
  location geometry(Point, 4326),
  position_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  archived_at timestamptz,
  PRIMARY KEY (tenant, id),
  CHECK ((incident_id IS NULL) = (status IN ('available', 'returning', 'out_of_service')))
);
CREATE UNIQUE INDEX units_callsign ON units (tenant, callsign) WHERE archived_at IS NULL;
CREATE INDEX units_location ON units USING gist (location) WHERE archived_at IS NULL;
CREATE INDEX units_crew ON units USING gin (crew jsonb_path_ops);

CREATE TABLE unit_positions (
  tenant text NOT NULL,
  unit_id uuid NOT NULL,
  at timestamptz NOT NULL,
  location geometry(Point, 4326) NOT NULL,
  speed_kmh real,
  heading real,
  PRIMARY KEY (tenant, unit_id, at)
);

-- A unit sent to an incident; released when the unit is done with it.
CREATE TABLE dispatches (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  incident_id uuid NOT NULL,
  unit_id uuid NOT NULL,
  assigned_by text,
  assigned_at timestamptz NOT NULL DEFAULT now(),
  eta_seconds int,
  distance_m int,
  released_at timestamptz,
  PRIMARY KEY (tenant, id)
);
-- The guarantee behind the 409: a unit serves one incident at a time.
CREATE UNIQUE INDEX dispatches_one_active ON dispatches (tenant, unit_id) WHERE released_at IS NULL;
CREATE INDEX dispatches_incident ON dispatches (tenant, incident_id);

-- Time targets per priority; the built-in defaults apply where a tenant has none.
CREATE TABLE incident_targets (
  tenant text NOT NULL,
  priority text NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
  dispatch_seconds int NOT NULL,
  on_scene_seconds int NOT NULL,
  PRIMARY KEY (tenant, priority)
);
