-- Background work only one instance may do at a time (the demo simulators): the holder renews its lease as it
-- works; when it stops renewing, another instance takes over after the lease runs out.
CREATE TABLE leases (
  name text PRIMARY KEY,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);
