-- The sanction is charged month by month on the levy still unpaid when each month late begins, so a bill
-- remembers how many months its stored sanction already covers; later months add to it on the remainder.
ALTER TABLE levy_bills ADD COLUMN sanction_months int NOT NULL DEFAULT 0;
-- Sanctions stored before were a whole number of months on the whole levy.
UPDATE levy_bills b SET sanction_months = round(b.sanction / round(b.amount * s.sanction_percent / 100))::int
FROM levy_settings s WHERE s.tenant = b.tenant AND b.sanction > 0 AND round(b.amount * s.sanction_percent / 100) > 0;
UPDATE levy_bills b SET sanction_months = round(b.sanction / round(b.amount / 100))::int
WHERE b.sanction > 0 AND b.sanction_months = 0 AND round(b.amount / 100) > 0
  AND NOT EXISTS (SELECT 1 FROM levy_settings s WHERE s.tenant = b.tenant);

