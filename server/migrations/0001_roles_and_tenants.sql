-- The application role: neither owner of any table nor BYPASSRLS, so row-level security always applies
-- to it. Sessions of the owner (migrations) switch to it with SET ROLE before serving requests.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'shuiwu_app') THEN
    CREATE ROLE shuiwu_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END
$$;

-- The current tenant of a transaction, or NULL when none is set (then every tenant policy matches nothing).
CREATE OR REPLACE FUNCTION current_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

-- Utilities served by this installation. Not tenant-owned: it is the list of tenants, readable by all.
CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9-]{1,31}$'),
  name text NOT NULL,
  name_en text NOT NULL,
  time_zone text NOT NULL DEFAULT 'Asia/Shanghai',
  hotline text,
  created_at timestamptz NOT NULL DEFAULT now()
);

GRANT USAGE ON SCHEMA public TO shuiwu_app;
GRANT SELECT ON tenants TO shuiwu_app;
GRANT EXECUTE ON FUNCTION current_tenant_id() TO shuiwu_app;

-- Every tenant-owned table calls this once: RLS enabled and forced (so even the owner is filtered), one
-- policy that reads and writes only the transaction's tenant, and the usual privileges for the app role.
CREATE OR REPLACE FUNCTION make_tenant_owned(table_name regclass, privileges text DEFAULT 'SELECT, INSERT, UPDATE, DELETE')
  RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', table_name);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', table_name);
  EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id())', table_name);
  EXECUTE format('GRANT %s ON %s TO shuiwu_app', privileges, table_name);
END
$$;
