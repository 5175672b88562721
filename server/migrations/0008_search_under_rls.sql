-- Searching half a million customers under row-level security.
--
-- 1. Policies read the tenant once per statement: `(SELECT current_tenant_id())` becomes an InitPlan,
--    where a bare call is evaluated for every row (measured: 450 ms → 200 ms for a scan of 500k rows). The
--    function is parallel safe, so large scans may use parallel workers.
ALTER FUNCTION current_tenant_id() PARALLEL SAFE;

CREATE OR REPLACE FUNCTION make_tenant_owned(table_name regclass, privileges text DEFAULT 'SELECT, INSERT, UPDATE, DELETE')
  RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', table_name);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', table_name);
  EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()))', table_name);
  EXECUTE format('GRANT %s ON %s TO shuiwu_app', privileges, table_name);
END
$$;

DO $$
DECLARE
  policy record;
BEGIN
  FOR policy IN SELECT schemaname, tablename FROM pg_policies WHERE policyname = 'tenant_isolation' LOOP
    EXECUTE format('ALTER POLICY tenant_isolation ON %I.%I USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()))',
      policy.schemaname, policy.tablename);
  END LOOP;
END
$$;

-- 2. Under RLS only leakproof operators can drive an index scan: = < <= >= > on text are, LIKE/ILIKE and
--    the trigram operators are not, so the trigram indexes were never used. Prefix search (account number,
--    phone, name) is written as a range in the "C" collation, which these indexes serve.
DROP INDEX IF EXISTS customers_name_trgm;
DROP INDEX IF EXISTS premises_full_address_trgm;
DROP INDEX IF EXISTS accounts_account_no_pattern;
DROP INDEX IF EXISTS customers_phone;
DROP INDEX IF EXISTS contacts_phone;
CREATE INDEX accounts_account_no_c ON accounts (tenant_id, (account_no COLLATE "C"));
CREATE INDEX customers_phone_c ON customers (tenant_id, (phone COLLATE "C"));
CREATE INDEX contacts_phone_c ON contacts (tenant_id, (phone COLLATE "C"));
CREATE INDEX customers_name_c ON customers (tenant_id, (name COLLATE "C"));
