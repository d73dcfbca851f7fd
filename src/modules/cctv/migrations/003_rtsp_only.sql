-- A camera may have only an RTSP source, which Kendali remuxes to HLS itself; an admin may allow re-encoding one
-- whose codec browsers cannot play (H.265), which costs the server CPU.
ALTER TABLE cameras ADD COLUMN transcode boolean NOT NULL DEFAULT false;
ALTER TABLE cameras DROP CONSTRAINT cameras_check;
ALTER TABLE cameras ADD CONSTRAINT cameras_source CHECK (snapshot_url IS NOT NULL OR mjpeg_url IS NOT NULL OR hls_url IS NOT NULL OR rtsp_url IS NOT NULL);
