-- The city's letterhead on the leader's report: heading lines, address, the logo (re-encoded JPEG), and who signs.
-- A tenant without a row gets a letterhead of its name and an unsigned block.
CREATE TABLE kpi_report_settings (
  tenant text PRIMARY KEY,
  heading text[] NOT NULL DEFAULT '{}',
  address text,
  signer_name text,
  signer_title text,
  signer_nip text,
  logo bytea,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
