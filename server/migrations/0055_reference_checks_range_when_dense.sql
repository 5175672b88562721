-- A range read is tried only where the parent's statistics leave room for the range to be dense (bench/
-- RESULTS.md, "Reading ingest"). With 8 parent keys per row (the readings'), a batch of 1,000 readings from a
-- head-end, whose random meter ids span a million meters, read 8,001 of them (0.8–2.1 ms) before the probes
-- (3 ms) decided anyway. For ids spread evenly, as random ones are, the parent rows in the keys' range are
-- about its rows (pg_class.reltuples) times the share of the id space the range covers, taken from the
-- first 48 bits. Where that is more than the read may take, the probes go first. Time-ordered or sequential
-- ids cluster, so their range covers a sliver of the space and the estimate stays small: their range is
-- still read, bounded as before. A parent never analysed (reltuples -1) is tried, as before.
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
    END IF;
    IF keys >= 256 AND one_tenant AND NOT coalesce(expected > per_row * keys, false) THEN
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
