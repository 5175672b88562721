-- Late fees of the days an account waited for its money (issue 4, 违约金), the leftovers of 0044:
--
-- * late_fees_held_through(account, up_to): the last day an accrual up to `up_to` reaches — `up_to`, or the day
--   before the first day a withholding item or an online order for the bills of the account, still awaiting its
--   money, was made. It is the one statement of that rule: accrual (collection/late-fees.ts), an online order's
--   late_fees_through, and a withholding item's late_fees_through (computed for every item of a batch at once)
--   all ask it.
-- * per withholding item, the last day whose late fees its amount carried (late_fees_through): the day before
--   the batch day, earlier when another debit or an online order of the account was already waiting for its
--   money. A debit that succeeds waives the days from the day after it, as an online order does. Items made
--   before this migration have none: the day before their batch day is used, as before.
-- * the windows waived before 0044 recorded them (backfill_late_fee_waivers), so days once waived are never
--   taken back a second time.
CREATE FUNCTION late_fees_held_through(account uuid, up_to date) RETURNS date
  LANGUAGE sql STABLE
  AS $$
    SELECT least($2,
      (SELECT min(b.created_on) - 1 FROM withholding_items i JOIN withholding_batches b ON b.id = i.batch_id
       WHERE i.account_id = $1 AND i.status = 'sent'),
      (SELECT min((o.created_at AT TIME ZONE t.time_zone)::date) - 1 FROM payment_orders o JOIN tenants t ON t.id = o.tenant_id
       WHERE o.account_id = $1 AND o.status = 'created' AND o.purpose = 'bills'))
  $$;
GRANT EXECUTE ON FUNCTION late_fees_held_through(uuid, date) TO shuiwu_app;

ALTER TABLE withholding_items ADD COLUMN late_fees_through date;

-- The windows the code before 0044 waived, recorded where history tells them exactly; the windows already
-- recorded (by the code since 0044, which recorded what it waived) are skipped, and so is everything when run
-- again. The rows of the tenant in the transaction (app.tenant_id) under row-level security. Returns the
-- windows recorded.
--
-- What that code did when money came in (waiveWithholdingDays, then waiveDaysAwaitingPayment): accrue through
-- the day before the day asked, then mark every overdue bill accrued through the day before the day paid,
-- charging nothing — so the days from the day asked to the day before the day paid were not charged, unless
-- they already were.
--
-- * A withholding debit that succeeded on a later day than its batch: its batch day to the day before the debit
--   (settled_on). While the item waited, accrual was held before its batch day, so none of those days had been
--   charged: the whole window was waived. Items made since this migration (late_fees_through set) are left to
--   the code that records them.
-- * An online order for the bills, placed before 0044 (no late_fees_through), credited on a later business day
--   than the day it was placed (in the utility's time zone): that day to the day before its payment's business
--   day. While the order was open, accrual was held before that day, so the window was waived whole. Not an
--   order credited by a clerk from reconciliation (a payment whose notification was lost): such an order had
--   usually been closed meanwhile, its waiting days charged from then on as far as a run reached them, and that
--   code did not take charged days back — which days were waived is not in the data, so none is recorded.
CREATE FUNCTION backfill_late_fee_waivers() RETURNS integer
  LANGUAGE sql
  AS $$
    WITH waived AS (
      SELECT i.tenant_id, i.account_id, b.created_on AS from_day, i.settled_on - 1 AS to_day, i.resulted_at AS created_at
      FROM withholding_items i JOIN withholding_batches b ON b.id = i.batch_id
      WHERE i.status = 'succeeded' AND i.late_fees_through IS NULL AND i.settled_on > b.created_on
      UNION ALL
      SELECT o.tenant_id, o.account_id, w.ordered_on, p.business_date - 1, coalesce(o.paid_at, p.received_at)
      FROM payment_orders o JOIN payments p ON p.id = o.payment_id JOIN tenants t ON t.id = o.tenant_id
        CROSS JOIN LATERAL (SELECT (o.created_at AT TIME ZONE t.time_zone)::date AS ordered_on) w
      WHERE o.status = 'paid' AND o.purpose = 'bills' AND o.late_fees_through IS NULL AND p.business_date > w.ordered_on
        AND NOT EXISTS (SELECT 1 FROM reconciliation_differences d WHERE d.resolution_payment_id = o.payment_id)
    ),
    fresh AS (
      SELECT DISTINCT ON (w.tenant_id, w.account_id, w.from_day, w.to_day) w.*
      FROM waived w
      WHERE NOT EXISTS (SELECT 1 FROM late_fee_waivers r WHERE r.tenant_id = w.tenant_id AND r.account_id = w.account_id AND r.from_day <= w.from_day AND r.to_day >= w.to_day)
      ORDER BY w.tenant_id, w.account_id, w.from_day, w.to_day, w.created_at
    ),
    inserted AS (
      INSERT INTO late_fee_waivers (tenant_id, account_id, from_day, to_day, created_at)
      SELECT tenant_id, account_id, from_day, to_day, created_at FROM fresh RETURNING 1
    )
    SELECT count(*)::int FROM inserted
  $$;
GRANT EXECUTE ON FUNCTION backfill_late_fee_waivers() TO shuiwu_app;

-- Every utility's history, each under its own tenant.
DO $$
DECLARE
  tenant record;
BEGIN
  FOR tenant IN SELECT id FROM tenants LOOP
    PERFORM set_config('app.tenant_id', tenant.id::text, true);
    PERFORM backfill_late_fee_waivers();
  END LOOP;
  PERFORM set_config('app.tenant_id', '', true);
END
$$;
