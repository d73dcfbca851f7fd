-- e-Retribusi: market levies. Markets, their stalls, vendors and permits; tariffs as a Perda sets them;
-- bills (SKRD) per period; payments with receipts (STS); provider notifications; collectors' days.

-- A tenant's levy settings: the late sanction and the QRIS merchant account of the regional treasury.
CREATE TABLE levy_settings (
  tenant text NOT NULL,
  -- Administrative sanction per started month late, in percent of the bill (UU 1/2022: 1 % a month, 24 months at most).
  sanction_percent numeric(5, 2) NOT NULL DEFAULT 1,
  sanction_max_months int NOT NULL DEFAULT 24,
  -- Days after the end of a period until its bill is due.
  due_days int NOT NULL DEFAULT 10,
  qris_acquirer text NOT NULL DEFAULT 'ID.CO.BANKJATENG.WWW',
  qris_pan text NOT NULL DEFAULT '936001130000012345',
  qris_merchant_id text NOT NULL DEFAULT '000000012345',
  qris_nmid text NOT NULL DEFAULT 'ID1025000012345',
  qris_mcc text NOT NULL DEFAULT '9311',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant)
);

CREATE TABLE levy_markets (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL,
  name text NOT NULL,
  address text,
  location geometry(Point, 4326) NOT NULL,
  kelurahan_code text,
  kelurahan_name text,
  -- The managing OPD (tenancy agency id).
  agency_id uuid,
  -- The QRIS merchant name (tag 59), city (60), postal code (61) and terminal label (62.07) of the market.
  qris_name text NOT NULL,
  qris_city text NOT NULL,
  postal_code text,
  terminal text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, code)
);

CREATE TABLE levy_stalls (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  market_id uuid NOT NULL,
  code text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('kios', 'los', 'pelataran', 'lapak')),
  class text NOT NULL,
  area_m2 numeric(8, 2) NOT NULL CHECK (area_m2 > 0),
  is_active boolean NOT NULL DEFAULT true,
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, market_id, code),
  FOREIGN KEY (tenant, market_id) REFERENCES levy_markets (tenant, id)
);

CREATE TABLE levy_vendors (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- The vendor's code for self-service (with the phone number).
  code text NOT NULL,
  name text NOT NULL,
  phone text,
  -- NIK in full; the API masks it for everyone but administrators.
  nik text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, code)
);

-- A permit (izin pemakaian tempat) gives a vendor a stall from a date, until a date or open-ended.
CREATE TABLE levy_permits (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  vendor_id uuid NOT NULL,
  stall_id uuid NOT NULL,
  starts_on date NOT NULL,
  ends_on date,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  CHECK (ends_on IS NULL OR ends_on >= starts_on),
  FOREIGN KEY (tenant, vendor_id) REFERENCES levy_vendors (tenant, id),
  FOREIGN KEY (tenant, stall_id) REFERENCES levy_stalls (tenant, id)
);
CREATE INDEX levy_permits_stall ON levy_permits (tenant, stall_id);

-- Tariffs per stall kind and class; a new row from a date replaces the older one from that date on.
CREATE TABLE levy_tariffs (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('kios', 'los', 'pelataran', 'lapak')),
  class text NOT NULL,
  basis text NOT NULL CHECK (basis IN ('per_m2_day', 'flat_day', 'flat_month')),
  rate numeric(12, 2) NOT NULL CHECK (rate >= 0),
  legal_basis text NOT NULL,
  effective_from date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, kind, class, effective_from)
);

-- SKRD numbers SKRD-{tenant digits}-{yyyy}-{serial} and receipt numbers STS-…: one counter row per year.
CREATE TABLE levy_bill_counters (tenant text NOT NULL, year int NOT NULL, last_serial int NOT NULL DEFAULT 0, PRIMARY KEY (tenant, year));
CREATE TABLE levy_receipt_counters (tenant text NOT NULL, year int NOT NULL, last_serial int NOT NULL DEFAULT 0, PRIMARY KEY (tenant, year));

CREATE TABLE levy_bills (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  number text NOT NULL,
  -- The month billed, `YYYY-MM`.
  period text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  permit_id uuid NOT NULL,
  vendor_id uuid NOT NULL,
  stall_id uuid NOT NULL,
  market_id uuid NOT NULL,
  -- The levy itself (pokok), fixed when issued: later tariffs never change it.
  amount numeric(14, 2) NOT NULL CHECK (amount >= 0),
  -- The sanction charged so far; it grows with each month late until paid.
  sanction numeric(14, 2) NOT NULL DEFAULT 0,
  paid numeric(14, 2) NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'unpaid' CHECK (status IN ('unpaid', 'partial', 'paid')),
  due_on date NOT NULL,
  -- How the amount was reckoned: days, area, the tariffs and their legal basis.
  lines jsonb NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  paid_at timestamptz,
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, number),
  -- One bill per permit and period, whatever runs the generation and however often.
  UNIQUE (tenant, permit_id, period),
  CHECK (paid <= amount + sanction)
);
CREATE INDEX levy_bills_vendor ON levy_bills (tenant, vendor_id, period);
CREATE INDEX levy_bills_market ON levy_bills (tenant, market_id, status);

-- A collector's working day: opened, payments taken, closed with the deposit, reconciled.
CREATE TABLE levy_collector_days (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  collector text NOT NULL,
  opened_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  deposit numeric(14, 2),
  cash numeric(14, 2),
  cashless numeric(14, 2),
  difference numeric(14, 2),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'reconciled', 'flagged')),
  PRIMARY KEY (tenant, id)
);
-- One open day per collector.
CREATE UNIQUE INDEX levy_collector_days_open ON levy_collector_days (tenant, collector) WHERE status = 'open';

CREATE TABLE levy_payments (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  receipt text NOT NULL,
  bill_id uuid NOT NULL,
  amount numeric(14, 2) NOT NULL CHECK (amount > 0),
  method text NOT NULL CHECK (method IN ('card', 'qris', 'cash', 'transfer')),
  -- EDC approval code, VA number, bank reference or the provider's transaction id.
  reference text,
  -- The payment provider that notified it (midtrans), or NULL when staff recorded it.
  provider text,
  actor text NOT NULL,
  collector_day_id uuid,
  paid_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id),
  UNIQUE (tenant, receipt),
  FOREIGN KEY (tenant, bill_id) REFERENCES levy_bills (tenant, id)
);
CREATE INDEX levy_payments_bill ON levy_payments (tenant, bill_id);
CREATE INDEX levy_payments_day ON levy_payments (tenant, paid_at);
-- A provider's transaction pays once, however many times it is notified.
CREATE UNIQUE INDEX levy_payments_provider_ref ON levy_payments (tenant, provider, reference) WHERE provider IS NOT NULL;

-- Every provider notification as received, with what it did: paid, recorded, duplicate or rejected.
CREATE TABLE levy_notifications (
  tenant text NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  provider text NOT NULL,
  order_id text,
  transaction_id text,
  transaction_status text,
  outcome text NOT NULL CHECK (outcome IN ('paid', 'recorded', 'duplicate', 'rejected')),
  reason text,
  body jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id)
);
CREATE INDEX levy_notifications_order ON levy_notifications (tenant, order_id);
