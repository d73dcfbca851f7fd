-- The discipline view adds up one row per person and month instead of walking 100,000 person-days.
-- A row sums that person's attendance rows on the month's working days (by the working hours in force when it was
-- written); a month is listed in asn_summary_months once every person of it has a row. Imports update the people
-- and months they touch; new working hours empty both tables, and a month is rebuilt when first read again.
CREATE TABLE asn_attendance_months (
  tenant text NOT NULL,
  nip text NOT NULL,
  month date NOT NULL,
  present int NOT NULL,
  excused int NOT NULL,
  on_time int NOT NULL,
  late_minutes int NOT NULL,
  early_minutes int NOT NULL,
  PRIMARY KEY (tenant, month, nip)
);

CREATE TABLE asn_summary_months (
  tenant text NOT NULL,
  month date NOT NULL,
  PRIMARY KEY (tenant, month)
);

-- The days the imports cover (any row of anyone): a working day among them without a row for a person is TK.
CREATE TABLE asn_attendance_days (
  tenant text NOT NULL,
  day date NOT NULL,
  PRIMARY KEY (tenant, day)
);
INSERT INTO asn_attendance_days (tenant, day) SELECT DISTINCT tenant, day FROM asn_attendance;
