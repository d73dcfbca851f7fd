-- Agency posts: what an OPD publishes (agenda items, activities, policies, announcements) and their attachments.
CREATE TABLE posts (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('agenda', 'activity', 'policy', 'announcement')),
  -- The OPD (tenancy agency id) that publishes it.
  agency_id uuid NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  visibility text NOT NULL CHECK (visibility IN ('public', 'internal')),
  status text NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
  -- When it happens (agenda items must say; activities may), and where.
  starts_at timestamptz,
  ends_at timestamptz,
  place text,
  location geometry(Point, 4326),
  published_at timestamptz,
  created_by text,
  updated_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  CHECK (kind <> 'agenda' OR (starts_at IS NOT NULL AND place IS NOT NULL)),
  CHECK (ends_at IS NULL OR (starts_at IS NOT NULL AND ends_at >= starts_at)),
  CHECK ((status = 'draft') = (published_at IS NULL) OR status = 'archived')
);
CREATE INDEX posts_newest ON posts (tenant, (coalesce(published_at, created_at)) DESC, id DESC);
CREATE INDEX posts_when ON posts (tenant, (coalesce(starts_at, published_at, created_at)), id);

CREATE TABLE post_attachments (
  tenant text NOT NULL,
  post_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  mime text NOT NULL CHECK (mime IN ('application/pdf', 'image/jpeg')),
  size int NOT NULL,
  bytes bytea NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  FOREIGN KEY (tenant, post_id) REFERENCES posts (tenant, id)
);
CREATE INDEX post_attachments_post ON post_attachments (tenant, post_id, created_at);
