-- A reference check over many keys that cover much of their range reads the parent's key range once
-- instead of probing its primary key once per key (ADR 0006; bench/RESULTS.md, "Billing run" and "Reading
-- ingest"). A billing chunk's bills name consecutive accounts (billing/route-accounts.ts), and its lines and
-- ledger entries name bills it has just written with time-ordered ids: at 10,000 keys a chunk the probes
-- (1.2 µs each, after a DISTINCT) were about 10 CPU-seconds of a million-account run. A file of readings
-- names a quarter or more of a utility's accounts and meters: for 250,000 readings of 500,000 meters the
-- probes took 512 ms, hashing the meters' range and anti-joining 214 ms, sorting the rows and merging them
-- with the primary key read in its order 160 ms.
--
-- The fourth argument is how many parent keys the range read may take per row: 2 for the billing run's
-- checks, 8 for the readings'; without it a check only probes, as before. The range is read only when the
-- statement's rows with a key are many (256 or more) and of one tenant, and when the parent's statistics
-- leave room for the range to be dense: its rows (pg_class.reltuples) times the share of the id space from
-- the first key to the last (their first 48 bits) must fit the bound. Random ids are spread evenly, so the
-- estimate holds for them (1,000 readings of a million meters would read 8,001 of them, 0.8–2.1 ms, before
-- the probes, 3 ms, decided anyway); time-ordered and sequential ids cluster, cover a sliver of the space and
-- are tried; a parent never analysed is tried. The read takes at most bound × rows + 1 keys, from the
-- smallest key to the largest, in the primary key's order, and is merged with the rows sorted. A key found
-- there exists. A key not found there is missing, beyond the keys read (the range was sparse) or of another
-- tenant, and any such key sends the whole check to the probes of migration 0031, which decide and name the
-- missing key as before. Nothing is refused that the probes would let in, nor the other way round.
--
-- enable_nestloop and enable_hashjoin are off inside the function, which leaves the merge as the only plan
-- whatever the statistics say (PGlite's are often stale: a nested loop over the range would be quadratic).
-- The probes are a LATERAL with LIMIT 1, which only a nested loop can run, so they keep their plan. The
-- tenant is a filter under a policy and an index condition without one, for the reason given in migration
-- 0019: the primary key stays the only index matching both.
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
  expected float8;
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
      SELECT c.reltuples * (('x' || left(replace(last_key::text, '-', ''), 12))::bit(48)::int8
                            - ('x' || left(replace(first_key::text, '-', ''), 12))::bit(48)::int8 + 1) / 281474976710656.0
        INTO expected FROM pg_class c WHERE c.oid = TG_ARGV[2]::regclass;
      IF NOT coalesce(expected > per_row * keys, false) THEN
        EXECUTE format(
          'SELECT EXISTS (SELECT FROM new_rows n WHERE n.%1$I IS NOT NULL AND NOT EXISTS (
             SELECT FROM (SELECT p.id FROM %2$I p WHERE p.id BETWEEN $2 AND $3 AND %3$s ORDER BY p.id LIMIT $4) r WHERE r.id = n.%1$I))',
          TG_ARGV[1], TG_ARGV[2], replace(tenant_filter, 'n.tenant_id', '$1'))
          INTO unseen USING range_tenant, first_key, last_key, per_row * keys + 1;
      END IF;
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
