-- Credit and debit notes are looked up by the bill they adjust for every bill whose standing is computed
-- (bill lists, open bills, arrears): without this index each look-up scanned every bill.
CREATE INDEX bills_adjusts ON bills (tenant_id, adjusts_bill_id) WHERE adjusts_bill_id IS NOT NULL;
