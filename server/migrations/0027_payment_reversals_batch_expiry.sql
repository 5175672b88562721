-- Payments and collection, the rest of issue 4: a supervisor's reversal (冲正) of a mistaken payment, and the
-- expiry of a withholding batch whose bank result file never came.

-- A reversal posts its own journal type, so the statement of account names it.
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_entry_type_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_entry_type_check CHECK (entry_type IN ('bill', 'credit_note', 'debit_note', 'payment', 'refund',
  'late_fee', 'adjustment', 'prepaid_topup', 'write_off', 'payment_reversal'));

-- 冲正: a payment recorded by mistake (wrong account, wrong amount keyed) is reversed by a supervisor with a
-- reason. The payment row never changes (payments are append-only): the reversal is a row of its own, at most
-- one per payment, with the mirror journal (journal_id) that re-opens what the payment settled. A counter
-- payment reversed while its till is still open comes off that till (till_id); otherwise the reversal shows
-- in the day summary of its business date.
CREATE TABLE payment_reversals (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  payment_id uuid NOT NULL,
  account_id uuid NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  reason text NOT NULL CHECK (length(reason) BETWEEN 2 AND 200),
  staff_id uuid NOT NULL,
  till_id uuid,
  reversed_at timestamptz NOT NULL,
  business_date date NOT NULL,
  journal_id uuid NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, payment_id),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES payments (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
  FOREIGN KEY (tenant_id, till_id) REFERENCES tills (tenant_id, id)
);
SELECT make_tenant_owned('payment_reversals', 'SELECT, INSERT');
CREATE INDEX payment_reversals_day ON payment_reversals (tenant_id, business_date);
CREATE INDEX payment_reversals_till ON payment_reversals (tenant_id, till_id) WHERE till_id IS NOT NULL;
CREATE TRIGGER payment_reversals_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON payment_reversals FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- A withholding batch whose result file was not imported within the utility's limit expires: its items still
-- waiting are released (a later batch may ask for the same bills) and a result file for it is refused.
ALTER TABLE withholding_batches DROP CONSTRAINT withholding_batches_status_check;
ALTER TABLE withholding_batches ADD CONSTRAINT withholding_batches_status_check CHECK (status IN ('sent', 'completed', 'expired'));
ALTER TABLE withholding_batches ADD COLUMN expired_at timestamptz;
ALTER TABLE withholding_batches ADD CONSTRAINT withholding_batches_expired_at CHECK ((status = 'expired') = (expired_at IS NOT NULL));
ALTER TABLE withholding_items DROP CONSTRAINT withholding_items_status_check;
ALTER TABLE withholding_items ADD CONSTRAINT withholding_items_status_check CHECK (status IN ('sent', 'succeeded', 'failed', 'expired'));
CREATE INDEX withholding_batches_waiting ON withholding_batches (tenant_id, created_on) WHERE status = 'sent';
