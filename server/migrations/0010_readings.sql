-- 抄表本: a route of accounts in walk order, read on a day of the month.
CREATE TABLE reading_routes (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL,
  name text NOT NULL,
  service_hall_id uuid,
  reading_day integer NOT NULL DEFAULT 1 CHECK (reading_day BETWEEN 1 AND 28),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, code),
  FOREIGN KEY (tenant_id, service_hall_id) REFERENCES service_halls (tenant_id, id)
);
SELECT make_tenant_owned('reading_routes');

-- An account belongs to at most one route, at a place in its walk order.
CREATE TABLE route_accounts (
  tenant_id uuid NOT NULL,
  route_id uuid NOT NULL,
  account_id uuid NOT NULL,
  walk_order integer NOT NULL CHECK (walk_order > 0),
  PRIMARY KEY (tenant_id, account_id),
  UNIQUE (tenant_id, route_id, walk_order) DEFERRABLE INITIALLY DEFERRED,
  FOREIGN KEY (tenant_id, route_id) REFERENCES reading_routes (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
);
SELECT make_tenant_owned('route_accounts');
CREATE INDEX route_accounts_route ON route_accounts (tenant_id, route_id, walk_order);

-- Who reads (or collects on) a route, for which dates. Rotation and segregation rules live in the module.
CREATE TABLE route_assignments (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  route_id uuid NOT NULL,
  staff_id uuid NOT NULL,
  duty text NOT NULL CHECK (duty IN ('reader', 'collector')),
  starts_on date NOT NULL,
  ends_on date,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, route_id) REFERENCES reading_routes (tenant_id, id),
  FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
  CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
SELECT make_tenant_owned('route_assignments');
CREATE INDEX route_assignments_route ON route_assignments (tenant_id, route_id, duty, starts_on);

-- Meter readings: the big table, one partition per month of read_on (partitions are created ahead by the
-- reading module; a default partition catches anything outside them). consumption_litres is the use since
-- the previous accepted reading of the same meter (rollover handled), null when not yet determined.
CREATE TABLE readings (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL,
  meter_id uuid NOT NULL,
  read_on date NOT NULL,
  read_at timestamptz NOT NULL,
  register_litres bigint CHECK (register_litres >= 0),
  consumption_litres bigint,
  source text NOT NULL CHECK (source IN ('handheld', 'import', 'api', 'mqtt', 'portal', 'estimate')),
  status text NOT NULL CHECK (status IN ('accepted', 'suspect', 'rejected', 'estimated', 'unread')),
  anomalies text[] NOT NULL DEFAULT '{}',
  cannot_read_reason text,
  staff_id uuid,
  photo_path text,
  external_id text,
  reviewed_by uuid,
  reviewed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id, read_on),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, meter_id) REFERENCES meters (tenant_id, id),
  CHECK (status = 'unread' OR register_litres IS NOT NULL)
) PARTITION BY RANGE (read_on);
CREATE TABLE readings_default PARTITION OF readings DEFAULT;
SELECT make_tenant_owned('readings');
-- Partitions carry the same policy, so even a direct query on one sees only the transaction's tenant.
CREATE OR REPLACE FUNCTION protect_reading_partition(partition_name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', partition_name);
  EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', partition_name);
  EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()))', partition_name);
END
$$;
SELECT protect_reading_partition('readings_default');
CREATE INDEX readings_account_date ON readings (tenant_id, account_id, read_on);
CREATE INDEX readings_meter_date ON readings (tenant_id, meter_id, read_on);
-- A reading from a head-end or a device is accepted once: the same external id again is a duplicate.
CREATE UNIQUE INDEX readings_external_id ON readings (tenant_id, external_id, read_on) WHERE external_id IS NOT NULL;
CREATE INDEX readings_suspect ON readings (tenant_id, read_on) WHERE status = 'suspect';

-- Creates the monthly partitions for [from_month, to_month], each with forced RLS like its parent.
CREATE OR REPLACE FUNCTION ensure_reading_partitions(from_month date, to_month date) RETURNS integer
  LANGUAGE plpgsql AS $$
DECLARE
  month date := date_trunc('month', from_month)::date;
  created integer := 0;
  partition_name text;
BEGIN
  WHILE month <= to_month LOOP
    partition_name := format('readings_%s', to_char(month, 'YYYYMM'));
    IF to_regclass(partition_name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF readings FOR VALUES FROM (%L) TO (%L)',
        partition_name, month, (month + interval '1 month')::date);
      PERFORM protect_reading_partition(partition_name);
      created := created + 1;
    END IF;
    month := (month + interval '1 month')::date;
  END LOOP;
  RETURN created;
END
$$;
SELECT ensure_reading_partitions('2024-01-01', '2028-12-01');

-- Messages from remote meters that could not be understood or matched, kept for inspection.
CREATE TABLE reading_dead_letters (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  source text NOT NULL,
  topic text,
  payload text NOT NULL,
  reason text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
SELECT make_tenant_owned('reading_dead_letters');
