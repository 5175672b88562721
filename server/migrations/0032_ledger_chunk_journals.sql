-- A billing chunk posts one journal: each bill's receivable on its own customer account and bill, and the
-- revenue and pass-through fee accounts once for the chunk (billing/compute.ts billingJournal). Those
-- revenue legs belong to the utility's books, not to a customer account, so account_id may be null, but
-- only on the utility's side: what a customer owes or has in credit always names the customer account.
-- A million-account run writes 1.0 million ledger entries instead of 3.9 million (bench/RESULTS.md).
ALTER TABLE ledger_entries ALTER COLUMN account_id DROP NOT NULL;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_customer_leg_has_account
  CHECK (account_id IS NOT NULL OR ledger_account NOT IN ('receivable', 'prepaid', 'late_fee_receivable'));
