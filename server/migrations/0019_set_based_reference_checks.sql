-- Set-based reference checks for the bulk tables (ADR 0006). A foreign key checks each inserted row on its
-- own: an index probe plus a FOR KEY SHARE lock on the parent row, which dirties the parent's page and
-- writes WAL. For a billing run that is ~8 million checks; measured, they were most of its cost. The
-- parents below are never deleted and never re-keyed (refused by the triggers at the end), so the only
-- thing left to check is that each new row's parent exists: once per statement, for all its rows at once,
-- by an anti-join of the statement's new rows (a transition table) to the parent.

-- TG_ARGV: the constraint's name, the child's column (with tenant_id) and the parent table (tenant_id, id).
-- Invoker's rights, like every function here (no definer-rights escape past the policies): under the
-- application role the policy limits the look-up to the transaction's tenant, which is the new rows' tenant
-- anyway (their WITH CHECK has passed). Each distinct key is probed once. The tenant is compared with IS NOT
-- DISTINCT FROM (the same for these NOT NULL columns) so that it is a filter, not an index condition: the
-- policy already gives the probe `tenant_id = <tenant>`, and a second tenant condition made every index
-- that starts with tenant_id look as selective as the primary key while a parent's statistics were stale
-- (a first run into an empty bills table: bills_run, then the bill number index, 7 s to check one chunk's
-- lines instead of 30 ms). Where no policy applies (the owner: seeds, repairs) the tenant is an ordinary
-- index condition, the primary key then being the only index matching both columns. Rows whose column is
-- null are not checked (MATCH SIMPLE, as before).
CREATE OR REPLACE FUNCTION check_parent_rows() RETURNS trigger
  LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  missing_tenant uuid;
  missing_id uuid;
BEGIN
  EXECUTE format(
    'SELECT n.tenant_id, n.id FROM (SELECT DISTINCT tenant_id, %1$I AS id FROM new_rows WHERE %1$I IS NOT NULL) n
     WHERE NOT EXISTS (SELECT FROM %2$I p WHERE p.id = n.id AND %3$s)
     LIMIT 1', TG_ARGV[1], TG_ARGV[2],
    CASE WHEN row_security_active(TG_ARGV[2]) THEN 'p.tenant_id IS NOT DISTINCT FROM n.tenant_id' ELSE 'p.tenant_id = n.tenant_id' END)
    INTO missing_tenant, missing_id;
  IF missing_id IS NOT NULL THEN
    RAISE EXCEPTION 'insert into table "%" violates foreign key constraint "%"', TG_TABLE_NAME, TG_ARGV[0]
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_ARGV[0], TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
        DETAIL = format('Key (tenant_id, %s)=(%s, %s) is not present in table "%s".', TG_ARGV[1], missing_tenant, missing_id, TG_ARGV[2]);
  END IF;
  RETURN NULL;
END
$$;

-- bills_run (tenant_id, run_id) serves no query (a run's summary is its chunks' totals); every bill paid
-- an index entry for it.
DROP INDEX bills_run;

-- The rows of these parents stay: a delete, or a change of (tenant_id, id), is refused, with the SQLSTATE
-- of the other refusals in this schema (append-only tables, kept tariff versions: insufficient_privilege).
CREATE OR REPLACE FUNCTION refuse_parent_removal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are referenced and never removed: % refused', TG_TABLE_NAME, CASE WHEN TG_OP = 'UPDATE' THEN 'changing the key' ELSE TG_OP END
    USING ERRCODE = 'insufficient_privilege', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
END
$$;

CREATE TRIGGER accounts_kept BEFORE DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION refuse_parent_removal();
CREATE TRIGGER accounts_key_kept BEFORE UPDATE OF tenant_id, id ON accounts FOR EACH ROW
  WHEN (NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION refuse_parent_removal();
CREATE TRIGGER accounts_not_truncated BEFORE TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION refuse_parent_removal();
CREATE TRIGGER meters_kept BEFORE DELETE ON meters FOR EACH ROW EXECUTE FUNCTION refuse_parent_removal();
CREATE TRIGGER meters_key_kept BEFORE UPDATE OF tenant_id, id ON meters FOR EACH ROW
  WHEN (NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION refuse_parent_removal();
CREATE TRIGGER meters_not_truncated BEFORE TRUNCATE ON meters FOR EACH STATEMENT EXECUTE FUNCTION refuse_parent_removal();
CREATE TRIGGER billing_runs_kept BEFORE DELETE ON billing_runs FOR EACH ROW EXECUTE FUNCTION refuse_parent_removal();
CREATE TRIGGER billing_runs_key_kept BEFORE UPDATE OF tenant_id, id ON billing_runs FOR EACH ROW
  WHEN (NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION refuse_parent_removal();
CREATE TRIGGER billing_runs_not_truncated BEFORE TRUNCATE ON billing_runs FOR EACH STATEMENT EXECUTE FUNCTION refuse_parent_removal();
-- tariff_versions (migration 0015) and bills (0011) already refuse DELETE, key changes and (bills) TRUNCATE.
CREATE TRIGGER tariff_versions_not_truncated BEFORE TRUNCATE ON tariff_versions FOR EACH STATEMENT EXECUTE FUNCTION refuse_parent_removal();

-- The foreign keys, replaced one for one by statement-level checks under the same names.
ALTER TABLE bills DROP CONSTRAINT bills_tenant_id_account_id_fkey;
ALTER TABLE bills DROP CONSTRAINT bills_tenant_id_run_id_fkey;
ALTER TABLE bills DROP CONSTRAINT bills_tenant_id_adjusts_bill_id_fkey;
CREATE TRIGGER bills_account_exists AFTER INSERT ON bills REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('bills_tenant_id_account_id_fkey', 'account_id', 'accounts');
CREATE TRIGGER bills_run_exists AFTER INSERT ON bills REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('bills_tenant_id_run_id_fkey', 'run_id', 'billing_runs');
CREATE TRIGGER bills_adjusted_bill_exists AFTER INSERT ON bills REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('bills_tenant_id_adjusts_bill_id_fkey', 'adjusts_bill_id', 'bills');

ALTER TABLE bill_lines DROP CONSTRAINT bill_lines_tenant_id_bill_id_fkey;
ALTER TABLE bill_lines DROP CONSTRAINT bill_lines_tenant_id_tariff_version_id_fkey;
CREATE TRIGGER bill_lines_bill_exists AFTER INSERT ON bill_lines REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('bill_lines_tenant_id_bill_id_fkey', 'bill_id', 'bills');
CREATE TRIGGER bill_lines_tariff_version_exists AFTER INSERT ON bill_lines REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('bill_lines_tenant_id_tariff_version_id_fkey', 'tariff_version_id', 'tariff_versions');

ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_tenant_id_account_id_fkey;
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_tenant_id_bill_id_fkey;
CREATE TRIGGER ledger_entries_account_exists AFTER INSERT ON ledger_entries REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('ledger_entries_tenant_id_account_id_fkey', 'account_id', 'accounts');
CREATE TRIGGER ledger_entries_bill_exists AFTER INSERT ON ledger_entries REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('ledger_entries_tenant_id_bill_id_fkey', 'bill_id', 'bills');

-- Readings: the statement triggers of the partitioned table see every row routed to its partitions. The
-- partitions themselves are written only through it (the application role has no privilege on them).
ALTER TABLE readings DROP CONSTRAINT readings_tenant_id_account_id_fkey;
ALTER TABLE readings DROP CONSTRAINT readings_tenant_id_meter_id_fkey;
CREATE TRIGGER readings_account_exists AFTER INSERT ON readings REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('readings_tenant_id_account_id_fkey', 'account_id', 'accounts');
CREATE TRIGGER readings_meter_exists AFTER INSERT ON readings REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('readings_tenant_id_meter_id_fkey', 'meter_id', 'meters');
-- A reading stays with the account and meter it was read on (no code moves one; the checks above are for inserts).
CREATE TRIGGER readings_references_kept BEFORE UPDATE OF tenant_id, account_id, meter_id ON readings FOR EACH ROW
  WHEN (NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.account_id IS DISTINCT FROM OLD.account_id OR NEW.meter_id IS DISTINCT FROM OLD.meter_id)
  EXECUTE FUNCTION refuse_parent_removal();
