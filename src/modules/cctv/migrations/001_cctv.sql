-- CCTV cameras: where they are, how to reach their pictures, and whether they answer.
CREATE TABLE cameras (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  location geometry(Point, 4326) NOT NULL,
  agency_id uuid,
  is_public boolean NOT NULL DEFAULT false,
  -- Source URLs may carry credentials; they stay on the server and are never sent to browsers.
  snapshot_url text,
  mjpeg_url text,
  hls_url text,
  rtsp_url text,
  status text NOT NULL DEFAULT 'unknown' CHECK (status IN ('unknown', 'online', 'offline')),
  last_seen_at timestamptz,
  last_checked_at timestamptz,
  response_ms int,
  created_at timestamptz NOT NULL DEFAULT now(),
  archived_at timestamptz,
  PRIMARY KEY (tenant, id),
  CHECK (snapshot_url IS NOT NULL OR mjpeg_url IS NOT NULL OR hls_url IS NOT NULL)
);
CREATE INDEX cameras_location ON cameras USING gist (location);
