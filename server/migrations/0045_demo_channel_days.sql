-- The demo's day of online payments (payments/demo-day.ts) is played once per utility and business day: the
-- start of `serve --seed-demo` that plays it claims the day here first, so a restart the same day adds nothing.
CREATE TABLE demo_channel_days (
  tenant_id uuid NOT NULL,
  business_date date NOT NULL,
  played_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, business_date),
  FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
SELECT make_tenant_owned('demo_channel_days', 'SELECT, INSERT, DELETE');
