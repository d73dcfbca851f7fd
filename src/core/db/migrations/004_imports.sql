-- Large CSV imports run as durable jobs: the file waits here until the job has written it, batch by batch.
-- `done` counts the data rows already written and commits with each batch, so a restarted job resumes after it.
CREATE TABLE imports (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  module text NOT NULL,
  kind text NOT NULL,
  actor text NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
  total int NOT NULL,
  done int NOT NULL DEFAULT 0,
  counts jsonb NOT NULL DEFAULT '{}',
  error_count int NOT NULL DEFAULT 0,
  errors jsonb NOT NULL DEFAULT '[]',
  failure text,
  -- What the importer may do, as it was when the import was asked (a KPI officer's OPDs).
  options jsonb NOT NULL DEFAULT '{}',
  source text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (tenant, id)
);
