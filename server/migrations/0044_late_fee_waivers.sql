-- Late fees of the days an account waited for its money (issue 4, 违约金): the days from an online order (or a
-- withholding batch) to the day its payment was credited are not charged. Two things the ledger alone cannot
-- tell are kept:
--
-- * per order, the last day whose late fees its amount carried (late_fees_through): normally the day before the
--   order day, earlier when another order or a withholding item was already waiting for the account's money
--   (accrual was held there). The days waived when the order is credited start the day after. Orders placed
--   before this migration have none: the day before their order day is used.
-- * the waived windows themselves (late_fee_waivers): days once waived are never charged again, and when days
--   already charged are waived later (an order closed unpaid, its fees posted, then its lost payment credited),
--   only days really charged are taken back.
ALTER TABLE payment_orders ADD COLUMN late_fees_through date;

CREATE TABLE late_fee_waivers (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL,
  from_day date NOT NULL,
  to_day date NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  CHECK (from_day <= to_day)
);
SELECT make_tenant_owned('late_fee_waivers', 'SELECT, INSERT');
CREATE INDEX late_fee_waivers_account ON late_fee_waivers (tenant_id, account_id);
