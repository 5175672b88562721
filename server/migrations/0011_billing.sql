-- Billing runs: a period (YYYY-MM) and a set of routes, split into chunks that any worker may claim
-- (FOR UPDATE SKIP LOCKED). A chunk is done exactly when its bills are written, in one transaction.
CREATE TABLE billing_runs (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  period text NOT NULL CHECK (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  route_ids uuid[],
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  total_chunks integer NOT NULL DEFAULT 0,
  done_chunks integer NOT NULL DEFAULT 0,
  summary jsonb,
  started_by text NOT NULL,
  created_at timestamptz NOT NULL,
  finished_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
SELECT make_tenant_owned('billing_runs');

CREATE TABLE billing_run_chunks (
  tenant_id uuid NOT NULL,
  run_id uuid NOT NULL,
  chunk_no integer NOT NULL,
  account_ids uuid[] NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  claimed_by text,
  claimed_at timestamptz,
  finished_at timestamptz,
  bills_created integer,
  skipped jsonb,
  error text,
  PRIMARY KEY (tenant_id, run_id, chunk_no),
  FOREIGN KEY (tenant_id, run_id) REFERENCES billing_runs (tenant_id, id)
);
SELECT make_tenant_owned('billing_run_chunks');
CREATE INDEX billing_run_chunks_pending ON billing_run_chunks (tenant_id, run_id) WHERE status = 'pending';

-- Bills are issued once and never edited: corrections are credit or debit notes that point at the bill.
-- One regular bill per account and period, ever (the unique index below is what makes runs idempotent).
CREATE TABLE bills (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  bill_no text NOT NULL,
  kind text NOT NULL DEFAULT 'regular' CHECK (kind IN ('regular', 'credit_note', 'debit_note')),
  account_id uuid NOT NULL,
  period text NOT NULL CHECK (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  period_start date NOT NULL,
  period_end date NOT NULL,
  run_id uuid,
  adjusts_bill_id uuid,
  reason text,
  consumption_litres bigint NOT NULL,
  is_estimated boolean NOT NULL DEFAULT false,
  total_fen bigint NOT NULL,
  issued_on date NOT NULL,
  due_on date NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, bill_no),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, run_id) REFERENCES billing_runs (tenant_id, id),
  FOREIGN KEY (tenant_id, adjusts_bill_id) REFERENCES bills (tenant_id, id),
  CHECK ((kind = 'regular') = (adjusts_bill_id IS NULL)),
  CHECK (period_end >= period_start)
);
SELECT make_tenant_owned('bills', 'SELECT, INSERT');
CREATE UNIQUE INDEX bills_one_regular_per_period ON bills (tenant_id, account_id, period) WHERE kind = 'regular';
CREATE INDEX bills_account ON bills (tenant_id, account_id, period DESC);
CREATE INDEX bills_run ON bills (tenant_id, run_id);

-- Line items: water by tier, sewage treatment fee, water-resource fee, fixed charges, over-quota
-- surcharges and adjustments; each rounded half-up to the fen on its own, the bill total is their sum.
CREATE TABLE bill_lines (
  tenant_id uuid NOT NULL,
  bill_id uuid NOT NULL,
  line_no integer NOT NULL,
  line_type text NOT NULL CHECK (line_type IN ('water', 'sewage', 'resource', 'fixed', 'over_quota', 'adjustment')),
  tier integer,
  quantity_litres bigint,
  unit_price_fen_per_m3 bigint,
  amount_fen bigint NOT NULL,
  tariff_version_id uuid,
  description text NOT NULL,
  PRIMARY KEY (tenant_id, bill_id, line_no),
  FOREIGN KEY (tenant_id, bill_id) REFERENCES bills (tenant_id, id),
  FOREIGN KEY (tenant_id, tariff_version_id) REFERENCES tariff_versions (tenant_id, id)
);
SELECT make_tenant_owned('bill_lines', 'SELECT, INSERT');

-- Issued bills and their lines are append-only, like the audit log.
CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER bills_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON bills FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER bill_lines_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON bill_lines FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
