-- Reports that arrive by themselves: a schedule of what to send, to whom, when (in the tenant's zone).
CREATE TABLE briefings (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('kpi_monthly', 'complaint_sla_weekly', 'incident_daily')),
  frequency text NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly')),
  -- Weekly: ISO weekday (1 Monday … 7 Sunday); monthly: day of the month (1–28); daily: none.
  day smallint,
  -- The wall-clock time in the tenant's zone, HH:MM.
  at_time text NOT NULL CHECK (at_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  language text NOT NULL CHECK (language IN ('id', 'en')),
  -- [{ email, name?, agencyId? }]: a recipient with an OPD receives that OPD's part only.
  recipients jsonb NOT NULL,
  is_active boolean NOT NULL DEFAULT true,
  next_run_at timestamptz,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  CHECK ((frequency = 'daily') = (day IS NULL)),
  CHECK (frequency <> 'weekly' OR day BETWEEN 1 AND 7),
  CHECK (frequency <> 'monthly' OR day BETWEEN 1 AND 28)
);
CREATE INDEX briefings_due ON briefings (next_run_at) WHERE is_active;

-- One sending of a briefing to one recipient: what was sent (or why nothing was), every attempt counted.
CREATE TABLE briefing_deliveries (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  briefing_id uuid NOT NULL,
  period text NOT NULL,
  recipient text NOT NULL,
  is_test boolean NOT NULL DEFAULT false,
  status text NOT NULL CHECK (status IN ('pending', 'sent', 'skipped', 'failed')),
  -- Why it was skipped (nothing to say) or the last failure.
  note text,
  attachments text[] NOT NULL DEFAULT '{}',
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  PRIMARY KEY (tenant, id),
  FOREIGN KEY (tenant, briefing_id) REFERENCES briefings (tenant, id) ON DELETE CASCADE
);
CREATE INDEX briefing_deliveries_newest ON briefing_deliveries (tenant, briefing_id, created_at DESC);
