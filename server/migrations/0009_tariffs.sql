-- 用水性质 (water-use categories) defined by each utility, each within one of the three broad classes the
-- account already carries; an account may name its category, else the default category of its class.
CREATE TABLE water_categories (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9_]{1,19}$'),
  name text NOT NULL,
  name_en text NOT NULL,
  account_class text NOT NULL CHECK (account_class IN ('residential', 'non_residential', 'special')),
  is_default_for_class boolean NOT NULL DEFAULT false,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, code)
);
SELECT make_tenant_owned('water_categories');
CREATE UNIQUE INDEX water_categories_one_default ON water_categories (tenant_id, account_class) WHERE is_default_for_class;

ALTER TABLE accounts ADD COLUMN water_category_id uuid;
ALTER TABLE accounts ADD FOREIGN KEY (tenant_id, water_category_id) REFERENCES water_categories (tenant_id, id);

-- Effective-dated tariff versions. A version is never edited once a bill used it: a price change is a new
-- version whose effective_from closes the previous one. The definition (tiers, household rule,
-- surcharges, fixed charges, quota surcharges) is JSON validated by the tariffs module.
CREATE TABLE tariff_versions (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  water_category_id uuid NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  effective_from date NOT NULL,
  effective_to date,
  definition jsonb NOT NULL,
  note text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, water_category_id, version),
  FOREIGN KEY (tenant_id, water_category_id) REFERENCES water_categories (tenant_id, id),
  CHECK (effective_to IS NULL OR effective_to > effective_from)
);
SELECT make_tenant_owned('tariff_versions');
CREATE INDEX tariff_versions_category_dates ON tariff_versions (tenant_id, water_category_id, effective_from);
