-- The range read of migration 0053 merges instead of hashing, and the reading import's checks take it too
-- (bench/RESULTS.md, "Reading ingest").
--
-- The fourth argument of check_parent_rows() is now how many parent keys the range read may take per row:
-- 2 for the billing run's checks (a chunk's consecutive accounts, its own new bills), 8 for the readings'.
-- A file of readings names a quarter or more of a utility's accounts and meters, so its keys span most of
-- the parent: for 250,000 readings of 500,000 meters, probing each distinct key took 512 ms, hashing the
-- meters' range and anti-joining 214 ms, and sorting the rows and merging them with the primary key's
-- range 160 ms (no parent row is hashed; the index is read in its order). So the range is now always
-- merged: enable_hashjoin is off in the function along with enable_nestloop, which leaves one plan whatever
-- the statistics say. A smaller batch spread over a large parent (1,000 readings of a head-end) reads at
-- most 8 parent keys per row before the probes decide, as before.
CREATE OR REPLACE FUNCTION check_parent_rows() RETURNS trigger
  LANGUAGE plpgsql SET search_path = public, pg_temp SET enable_nestloop = off SET enable_hashjoin = off AS $$
DECLARE
  tenant_filter text := CASE WHEN row_security_active(TG_ARGV[2]) THEN 'p.tenant_id IS NOT DISTINCT FROM n.tenant_id' ELSE 'p.tenant_id = n.tenant_id' END;
  per_row integer := TG_ARGV[3]::integer;
  range_tenant uuid;
  keys bigint;
  one_tenant boolean;
  first_key uuid;
  last_key uuid;
  unseen boolean := true;
  missing_tenant uuid;
  missing_id uuid;
BEGIN
  IF per_row IS NOT NULL THEN
    EXECUTE format(
      'SELECT (SELECT tenant_id FROM new_rows WHERE %1$I IS NOT NULL LIMIT 1), count(*),
         count(*) FILTER (WHERE tenant_id IS DISTINCT FROM (SELECT tenant_id FROM new_rows WHERE %1$I IS NOT NULL LIMIT 1)) = 0,
         (SELECT %1$I FROM new_rows WHERE %1$I IS NOT NULL ORDER BY 1 LIMIT 1),
         (SELECT %1$I FROM new_rows WHERE %1$I IS NOT NULL ORDER BY 1 DESC LIMIT 1)
       FROM new_rows WHERE %1$I IS NOT NULL', TG_ARGV[1])
      INTO range_tenant, keys, one_tenant, first_key, last_key;
    IF keys = 0 THEN
      RETURN NULL;
    END IF;
    IF keys >= 256 AND one_tenant THEN
      EXECUTE format(
        'SELECT EXISTS (SELECT FROM new_rows n WHERE n.%1$I IS NOT NULL AND NOT EXISTS (
           SELECT FROM (SELECT p.id FROM %2$I p WHERE p.id BETWEEN $2 AND $3 AND %3$s ORDER BY p.id LIMIT $4) r WHERE r.id = n.%1$I))',
        TG_ARGV[1], TG_ARGV[2], replace(tenant_filter, 'n.tenant_id', '$1'))
        INTO unseen USING range_tenant, first_key, last_key, per_row * keys + 1;
    END IF;
  END IF;
  IF NOT unseen THEN
    RETURN NULL;
  END IF;
  EXECUTE format(
    'SELECT n.tenant_id, n.id FROM (SELECT DISTINCT tenant_id, %1$I AS id FROM new_rows WHERE %1$I IS NOT NULL) n
     LEFT JOIN LATERAL (SELECT true AS found FROM %2$I p WHERE p.id = n.id AND %3$s LIMIT 1) parent ON true
     WHERE parent.found IS NULL
     LIMIT 1', TG_ARGV[1], TG_ARGV[2], tenant_filter)
    INTO missing_tenant, missing_id;
  IF missing_id IS NOT NULL THEN
    RAISE EXCEPTION 'insert into table "%" violates foreign key constraint "%"', TG_TABLE_NAME, TG_ARGV[0]
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_ARGV[0], TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
        DETAIL = format('Key (tenant_id, %s)=(%s, %s) is not present in table "%s".', TG_ARGV[1], missing_tenant, missing_id, TG_ARGV[2]);
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER bills_account_exists ON bills;
CREATE TRIGGER bills_account_exists AFTER INSERT ON bills REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('bills_tenant_id_account_id_fkey', 'account_id', 'accounts', '2');
DROP TRIGGER bill_lines_bill_exists ON bill_lines;
CREATE TRIGGER bill_lines_bill_exists AFTER INSERT ON bill_lines REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('bill_lines_tenant_id_bill_id_fkey', 'bill_id', 'bills', '2');
DROP TRIGGER ledger_entries_account_exists ON ledger_entries;
CREATE TRIGGER ledger_entries_account_exists AFTER INSERT ON ledger_entries REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('ledger_entries_tenant_id_account_id_fkey', 'account_id', 'accounts', '2');
DROP TRIGGER ledger_entries_bill_exists ON ledger_entries;
CREATE TRIGGER ledger_entries_bill_exists AFTER INSERT ON ledger_entries REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('ledger_entries_tenant_id_bill_id_fkey', 'bill_id', 'bills', '2');
DROP TRIGGER readings_account_exists ON readings;
CREATE TRIGGER readings_account_exists AFTER INSERT ON readings REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('readings_tenant_id_account_id_fkey', 'account_id', 'accounts', '8');
DROP TRIGGER readings_meter_exists ON readings;
CREATE TRIGGER readings_meter_exists AFTER INSERT ON readings REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('readings_tenant_id_meter_id_fkey', 'meter_id', 'meters', '8');
