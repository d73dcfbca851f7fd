-- Which OPDs a person works for in a tenant: an agency officer acts for these agencies only
-- (their reports inbox, their posts, their KPI entries, their staff's Rojak findings).
CREATE TABLE agency_members (
  tenant text NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  agency_id uuid NOT NULL,
  PRIMARY KEY (tenant, user_id, agency_id),
  FOREIGN KEY (tenant, agency_id) REFERENCES agencies (tenant, id)
);
CREATE INDEX agency_members_user ON agency_members (user_id);
