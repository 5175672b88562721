-- Human-facing numbers (account numbers, customer numbers, later bill and ticket numbers) come from
-- per-tenant counters: gap-tolerant, never reused, and taken inside the transaction that uses them.
CREATE TABLE counters (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  name text NOT NULL,
  value bigint NOT NULL,
  PRIMARY KEY (tenant_id, name)
);
SELECT make_tenant_owned('counters', 'SELECT, INSERT, UPDATE');
