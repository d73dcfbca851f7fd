-- Ready-made warnings of a tenant (banjir, longsor, gempa …): the CAP fields an operator starts a draft from.
-- Province onboarding copies them from a template city.
CREATE TABLE alert_templates (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  event text NOT NULL,
  category text[] NOT NULL,
  urgency text NOT NULL,
  severity text NOT NULL,
  certainty text NOT NULL,
  headline text,
  description text,
  instruction text,
  -- The optional English block (event, headline, description, instruction).
  english jsonb,
  updated_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX alert_templates_name ON alert_templates (tenant, lower(name));
