CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- 客户: a person or organisation. The ID number is stored only encrypted (AES-256-GCM) with a keyed
-- blind index for exact lookup and its masked form (first and last four characters) for display.
CREATE TABLE customers (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_no text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('individual', 'organisation')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  phone text CHECK (phone ~ '^1[3-9][0-9]{9}$'),
  id_type text CHECK (id_type IN ('resident_id', 'passport', 'business_licence', 'other')),
  id_number_encrypted bytea,
  id_number_blind_index bytea,
  id_number_masked text,
  email text,
  is_important boolean NOT NULL DEFAULT false,
  important_note text,
  is_special_care boolean NOT NULL DEFAULT false,
  special_care_note text,
  notes text,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, customer_no),
  CHECK ((id_number_encrypted IS NULL) = (id_number_blind_index IS NULL))
);
SELECT make_tenant_owned('customers');
CREATE INDEX customers_name_trgm ON customers USING gin (name gin_trgm_ops);
CREATE INDEX customers_phone ON customers (tenant_id, phone);
CREATE INDEX customers_id_blind_index ON customers (tenant_id, id_number_blind_index);

CREATE TABLE contacts (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id uuid NOT NULL,
  name text NOT NULL,
  relation text NOT NULL,
  phone text NOT NULL CHECK (phone ~ '^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$'),
  is_primary boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
SELECT make_tenant_owned('contacts');
CREATE INDEX contacts_customer ON contacts (tenant_id, customer_id);
CREATE INDEX contacts_phone ON contacts (tenant_id, phone);

-- 用水地址 / service point: where water is delivered and a meter stands.
CREATE TABLE premises (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  district text NOT NULL,
  street text NOT NULL,
  address text NOT NULL CHECK (length(address) BETWEEN 2 AND 200),
  full_address text GENERATED ALWAYS AS (district || street || address) STORED,
  building_type text NOT NULL DEFAULT 'residential' CHECK (building_type IN ('residential', 'commercial', 'industrial', 'public', 'unmanaged')),
  latitude_e6 integer,
  longitude_e6 integer,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
SELECT make_tenant_owned('premises');
CREATE INDEX premises_full_address_trgm ON premises USING gin (full_address gin_trgm_ops);

-- 户号: the billing account of a customer at a premise.
CREATE TABLE accounts (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  account_no text NOT NULL CHECK (account_no ~ '^[0-9]{8,12}$'),
  customer_id uuid NOT NULL,
  premise_id uuid NOT NULL,
  category text NOT NULL CHECK (category IN ('residential', 'non_residential', 'special')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
  household_size integer NOT NULL DEFAULT 3 CHECK (household_size BETWEEN 1 AND 20),
  opened_on date NOT NULL,
  service_hall_id uuid,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, account_no),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
  FOREIGN KEY (tenant_id, premise_id) REFERENCES premises (tenant_id, id),
  FOREIGN KEY (tenant_id, service_hall_id) REFERENCES service_halls (tenant_id, id)
);
SELECT make_tenant_owned('accounts');
CREATE INDEX accounts_customer ON accounts (tenant_id, customer_id);
CREATE INDEX accounts_premise ON accounts (tenant_id, premise_id);
CREATE INDEX accounts_account_no_pattern ON accounts (tenant_id, account_no text_pattern_ops);

-- Meter assets. Sizes are nominal diameters (DN); verification dates drive the 周检 schedule.
CREATE TABLE meters (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  serial_no text NOT NULL CHECK (serial_no ~ '^[A-Z0-9-]{4,32}$'),
  premise_id uuid,
  model text NOT NULL,
  size_dn integer NOT NULL CHECK (size_dn IN (15, 20, 25, 32, 40, 50, 65, 80, 100, 150, 200)),
  is_remote boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'installed' CHECK (status IN ('in_stock', 'installed', 'removed', 'scrapped')),
  installed_on date,
  first_verified_on date,
  initial_reading_litres bigint NOT NULL DEFAULT 0 CHECK (initial_reading_litres >= 0),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, serial_no),
  FOREIGN KEY (tenant_id, premise_id) REFERENCES premises (tenant_id, id),
  CHECK (status <> 'installed' OR (premise_id IS NOT NULL AND installed_on IS NOT NULL))
);
SELECT make_tenant_owned('meters');
CREATE INDEX meters_premise ON meters (tenant_id, premise_id);
