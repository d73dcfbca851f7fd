-- A camera that stops answering raises an alarm with the sensors' lifecycle (active, acknowledged, cleared). Its
-- alarms are also the camera's outage history, from which its uptime is counted.
CREATE TABLE camera_alarms (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  camera_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('offline')),
  severity text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'acknowledged', 'cleared')),
  raised_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  acknowledged_by text,
  cleared_at timestamptz,
  PRIMARY KEY (tenant, id),
  FOREIGN KEY (tenant, camera_id) REFERENCES cameras (tenant, id)
);
-- One open alarm of a kind per camera: a camera down for a day is one alarm, not 1,440.
CREATE UNIQUE INDEX camera_alarms_one_open ON camera_alarms (tenant, camera_id, kind) WHERE status <> 'cleared';
CREATE INDEX camera_alarms_recent ON camera_alarms (tenant, raised_at DESC);
CREATE INDEX camera_alarms_camera ON camera_alarms (tenant, camera_id, raised_at DESC);

-- Cameras already down keep their outage: the next good check clears it.
INSERT INTO camera_alarms (tenant, camera_id, kind, severity, raised_at)
SELECT tenant, id, 'offline', 'waspada', coalesce(last_checked_at, now()) FROM cameras WHERE status = 'offline' AND archived_at IS NULL;
