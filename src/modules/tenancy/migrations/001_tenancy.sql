-- Tenants (keyed by Kemendagri code), their regions, agencies (OPD), people, grants, sessions and API tokens.
CREATE TABLE tenants (
  code text PRIMARY KEY CHECK (code ~ '^[0-9]{2}(\.[0-9]{2})?$'),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('provinsi', 'kota', 'kabupaten')),
  parent text REFERENCES tenants (code),
  timezone text NOT NULL DEFAULT 'Asia/Jakarta',
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'provinsi') = (parent IS NULL))
);

CREATE TABLE regions (
  tenant text NOT NULL REFERENCES tenants (code),
  code text NOT NULL,
  level text NOT NULL CHECK (level IN ('kabupaten', 'kota', 'kecamatan', 'kelurahan', 'desa')),
  name text NOT NULL,
  parent text,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  PRIMARY KEY (tenant, code)
);
CREATE INDEX regions_geom ON regions USING gist (geom);

CREATE TABLE agencies (
  tenant text NOT NULL REFERENCES tenants (code),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL,
  name text NOT NULL,
  short_name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Archived, not deleted: reports and incidents of other modules keep pointing at it.
  archived_at timestamptz,
  PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX agencies_code ON agencies (tenant, code) WHERE archived_at IS NULL;

CREATE TABLE users (
  tenant text NOT NULL REFERENCES tenants (code),
  id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
  username text NOT NULL,
  name text NOT NULL,
  password_hash text NOT NULL,
  is_platform_admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz,
  PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX users_username ON users (lower(username));

CREATE TABLE role_grants (
  tenant text NOT NULL REFERENCES tenants (code),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('admin', 'operator', 'dispatcher', 'agency_officer', 'field_crew',
                                     'patrol_officer', 'collector', 'executive')),
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, user_id, role)
);
CREATE INDEX role_grants_user ON role_grants (user_id);

-- A person's sessions span the tenants they hold grants in, so sessions are keyed by the token alone.
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ip text,
  user_agent text
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  tenant text NOT NULL REFERENCES tenants (code),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  roles text[] NOT NULL,
  token_hash text NOT NULL UNIQUE,
  -- The first characters, shown in lists so an admin can tell tokens apart.
  prefix text NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  PRIMARY KEY (tenant, id)
);

CREATE TABLE login_failures (
  at timestamptz NOT NULL DEFAULT now(),
  username text NOT NULL,
  ip text NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);
