-- How far each durable consumer of the event log (a module reacting to another module's events) has read, per
-- tenant: what it missed while no instance listened, it reads from the log when it comes back.
CREATE TABLE event_consumers (
  name text NOT NULL,
  tenant text NOT NULL,
  last_seq bigint NOT NULL,
  PRIMARY KEY (name, tenant)
);
