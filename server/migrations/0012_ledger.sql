-- The ledger: append-only, double entry. Every posting is a journal whose debits equal its credits; an
-- account's balance is the sum of its entries; corrections are new entries. The billing run posts each
-- bill (debit receivable, credit the revenue and pass-through fee accounts); payments (issue 4) post the rest.
CREATE TABLE ledger_entries (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  journal_id uuid NOT NULL,
  account_id uuid NOT NULL,
  ledger_account text NOT NULL CHECK (ledger_account IN ('receivable', 'prepaid', 'water_revenue', 'sewage_fee_payable',
    'resource_fee_payable', 'fixed_charge_revenue', 'late_fee_revenue', 'cash', 'channel_clearing', 'bank_clearing',
    'write_off_expense', 'adjustment')),
  entry_type text NOT NULL CHECK (entry_type IN ('bill', 'credit_note', 'debit_note', 'payment', 'refund', 'late_fee',
    'adjustment', 'prepaid_topup', 'write_off')),
  debit_fen bigint NOT NULL DEFAULT 0 CHECK (debit_fen >= 0),
  credit_fen bigint NOT NULL DEFAULT 0 CHECK (credit_fen >= 0),
  bill_id uuid,
  business_date date NOT NULL,
  posted_at timestamptz NOT NULL,
  description text NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, bill_id) REFERENCES bills (tenant_id, id),
  CHECK ((debit_fen = 0) <> (credit_fen = 0))
);
SELECT make_tenant_owned('ledger_entries', 'SELECT, INSERT');
CREATE INDEX ledger_entries_account ON ledger_entries (tenant_id, account_id, posted_at);
CREATE INDEX ledger_entries_journal ON ledger_entries (tenant_id, journal_id);
CREATE INDEX ledger_entries_bill ON ledger_entries (tenant_id, bill_id);
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
