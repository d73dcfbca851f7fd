-- ASN attendance and activity imported from the region's e-presensi and BKN's SIASN/e-Kinerja exports: the
-- staff list, one attendance row per NIP and day, daily activities, and per-tenant working hours and ladder.

CREATE TABLE asn_staff (
  tenant text NOT NULL,
  nip text NOT NULL CHECK (nip ~ '^[0-9]{18}$'),
  name text NOT NULL,
  agency_id uuid NOT NULL,
  position text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, nip)
);
CREATE INDEX asn_staff_by_agency ON asn_staff (tenant, agency_id);

CREATE TABLE asn_attendance (
  tenant text NOT NULL,
  nip text NOT NULL,
  day date NOT NULL,
  check_in time,
  check_out time,
  remark text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, nip, day)
);

-- One row per NIP, day and start time: a corrected export replaces its rows.
CREATE TABLE asn_activities (
  tenant text NOT NULL,
  nip text NOT NULL,
  day date NOT NULL,
  starts time NOT NULL,
  ends time NOT NULL,
  activity text NOT NULL,
  output text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, nip, day, starts)
);

-- Working hours per weekday, date-range overrides (Ramadan), holidays and the discipline ladder.
CREATE TABLE asn_settings (
  tenant text NOT NULL,
  schedule jsonb NOT NULL,
  ladder jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant)
);
