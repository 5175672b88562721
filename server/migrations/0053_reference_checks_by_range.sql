-- A reference check over many keys that lie close together reads the parent's key range once instead of
-- probing its primary key once per key (ADR 0006; bench/RESULTS.md, "Billing run"). A billing chunk's bills
-- name consecutive accounts (billing/route-accounts.ts), and its lines and ledger entries name bills it has
-- just written with time-ordered ids: at 10,000 keys a chunk, the probes (1.2 µs each, after a DISTINCT) were
-- about 10 CPU-seconds of a million-account run. The readings' accounts and meters have random ids, so a
-- file's keys span the whole parent: their checks keep the probes (no fourth argument).
--
-- TG_ARGV[3] = 'dense' asks for the range first. It is taken only when the statement's rows are many (256
-- or more with a key) and of one tenant; it reads at most twice as many parent keys as there are rows, from
-- the smallest key to the largest, in the primary key's order, and anti-joins the rows to them by hash. A
-- key found there exists. A key not found there is either missing or beyond the parent rows read (the range
-- was sparse), so any such key sends the whole check to the probes of migration 0031, which decide and name
-- the missing key as before. Nothing is refused that the probes would let in, nor the other way round.
--
-- enable_nestloop is off inside the function: with stale statistics (PGlite has no autovacuum) the planner
-- could otherwise loop over the range once per row. The probes are a LATERAL with LIMIT 1, which only a
-- nested loop can run, so they keep their plan. The tenant is a filter under a policy and an index condition
-- without one, for the reason given in migration 0019: the primary key stays the only index matching both.
CREATE OR REPLACE FUNCTION check_parent_rows() RETURNS trigger
  LANGUAGE plpgsql SET search_path = public, pg_temp SET enable_nestloop = off AS $$
DECLARE
  tenant_filter text := CASE WHEN row_security_active(TG_ARGV[2]) THEN 'p.tenant_id IS NOT DISTINCT FROM n.tenant_id' ELSE 'p.tenant_id = n.tenant_id' END;
  range_tenant uuid;
  keys bigint;
  one_tenant boolean;
  first_key uuid;
  last_key uuid;
  unseen boolean := true;
  missing_tenant uuid;
  missing_id uuid;
BEGIN
  IF TG_ARGV[3] IS NOT DISTINCT FROM 'dense' THEN
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
           SELECT FROM (SELECT p.id FROM %2$I p WHERE p.id BETWEEN $2 AND $3 AND %3$s LIMIT $4) r WHERE r.id = n.%1$I))',
        TG_ARGV[1], TG_ARGV[2], replace(tenant_filter, 'n.tenant_id', '$1'))
        INTO unseen USING range_tenant, first_key, last_key, 2 * keys + 1;
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

-- The billing run's checks whose keys are dense: a chunk's accounts, and the bills it has just written.
DROP TRIGGER bills_account_exists ON bills;
CREATE TRIGGER bills_account_exists AFTER INSERT ON bills REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('bills_tenant_id_account_id_fkey', 'account_id', 'accounts', 'dense');
DROP TRIGGER bill_lines_bill_exists ON bill_lines;
CREATE TRIGGER bill_lines_bill_exists AFTER INSERT ON bill_lines REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('bill_lines_tenant_id_bill_id_fkey', 'bill_id', 'bills', 'dense');
DROP TRIGGER ledger_entries_account_exists ON ledger_entries;
CREATE TRIGGER ledger_entries_account_exists AFTER INSERT ON ledger_entries REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('ledger_entries_tenant_id_account_id_fkey', 'account_id', 'accounts', 'dense');
DROP TRIGGER ledger_entries_bill_exists ON ledger_entries;
CREATE TRIGGER ledger_entries_bill_exists AFTER INSERT ON ledger_entries REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_parent_rows('ledger_entries_tenant_id_bill_id_fkey', 'bill_id', 'bills', 'dense');
