-- Service halls (营业厅), including windows at government service centres.
CREATE TABLE service_halls (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  address text NOT NULL,
  phone text,
  opening_hours text NOT NULL,
  is_government_centre boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, name)
);
SELECT make_tenant_owned('service_halls');

CREATE TABLE staff (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  username text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,31}$'),
  display_name text NOT NULL,
  password_hash text NOT NULL,
  service_hall_id uuid,
  is_active boolean NOT NULL DEFAULT true,
  failed_login_count integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, username),
  FOREIGN KEY (tenant_id, service_hall_id) REFERENCES service_halls (tenant_id, id)
);
SELECT make_tenant_owned('staff');

CREATE TABLE staff_roles (
  tenant_id uuid NOT NULL,
  staff_id uuid NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'counter_clerk', 'hotline_agent', 'dispatcher', 'repair_crew',
    'meter_reader', 'collector', 'billing_clerk', 'connection_staff', 'manager', 'auditor')),
  PRIMARY KEY (tenant_id, staff_id, role),
  FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id) ON DELETE CASCADE
);
SELECT make_tenant_owned('staff_roles');
