-- A utility's own rules (reading rotation term, collection rates and notice periods, …): one row per
-- tenant, a JSON document validated by the tenancy module's schema, versioned for optimistic locking.
-- Rules not yet set take the documented defaults, so an empty document is a valid configuration.
CREATE TABLE tenant_settings (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  settings jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text
);
-- Utilities that exist already get their (empty) row before the table is closed to them by RLS; new
-- ones get it when they are created.
INSERT INTO tenant_settings (tenant_id) SELECT id FROM tenants;
SELECT make_tenant_owned('tenant_settings', 'SELECT, INSERT, UPDATE');
