-- Collection (催欠, issue 4): late fees (滞纳金), dunning notices (催缴通知), bill disputes, cut-off work
-- orders (停水单) and reconnection orders (复水单), collectors' visit notes, and the daily collection run.

-- Late fees are owed on their own ledger account, so what is owed on bills (receivable, attributed to
-- bills newest first) stays the principal, and payments settle principal first, then late fees.
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_ledger_account_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_ledger_account_check CHECK (ledger_account IN ('receivable', 'prepaid',
  'water_revenue', 'sewage_fee_payable', 'resource_fee_payable', 'fixed_charge_revenue', 'late_fee_revenue', 'late_fee_receivable',
  'cash', 'channel_clearing', 'bank_clearing', 'write_off_expense', 'adjustment'));

-- Per overdue bill: the exact accrual basis Σ(unpaid principal × daily rate × days) in fen·(1/10,000),
-- the last day charged, the largest unpaid principal seen while overdue (the cap's base), and the late
-- fee already posted to the ledger. An assessment posts min(cap, round-half-up(basis / 10,000)) − posted.
CREATE TABLE late_fee_accruals (
  tenant_id uuid NOT NULL,
  bill_id uuid NOT NULL,
  account_id uuid NOT NULL,
  basis numeric(38, 0) NOT NULL DEFAULT 0 CHECK (basis >= 0),
  accrued_through date NOT NULL,
  cap_base_fen bigint NOT NULL DEFAULT 0 CHECK (cap_base_fen >= 0),
  posted_fen bigint NOT NULL DEFAULT 0 CHECK (posted_fen >= 0),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, bill_id),
  FOREIGN KEY (tenant_id, bill_id) REFERENCES bills (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
);
SELECT make_tenant_owned('late_fee_accruals', 'SELECT, INSERT, UPDATE');
CREATE INDEX late_fee_accruals_account ON late_fee_accruals (tenant_id, account_id);

-- A customer disputes a bill (账单异议): while any bill of an account is disputed, its water is not cut
-- off. Minimal until issue 5's complaints take disputes over.
CREATE TABLE bill_disputes (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  bill_id uuid NOT NULL,
  account_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  opened_by text NOT NULL,
  opened_at timestamptz NOT NULL,
  resolution text,
  closed_by text,
  closed_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, bill_id) REFERENCES bills (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
SELECT make_tenant_owned('bill_disputes', 'SELECT, INSERT, UPDATE');
CREATE UNIQUE INDEX bill_disputes_one_open ON bill_disputes (tenant_id, bill_id) WHERE status = 'open';
CREATE INDEX bill_disputes_account ON bill_disputes (tenant_id, account_id) WHERE status = 'open';

-- Dunning notices: at most one per bill, schedule step and channel (the unique key makes a second
-- sending of a step impossible). SMS goes through message_outbox; 'wechat' is recorded for a later
-- WeChat template-message gateway (none yet); 'letter' is printed for the route's collector.
CREATE TABLE collection_notices (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  bill_id uuid NOT NULL,
  account_id uuid NOT NULL,
  step_days integer NOT NULL CHECK (step_days >= 0),
  kind text NOT NULL CHECK (kind IN ('reminder', 'cutoff_notice')),
  channel text NOT NULL CHECK (channel IN ('sms', 'wechat', 'letter')),
  status text NOT NULL CHECK (status IN ('queued', 'awaiting_gateway', 'to_print')),
  outbox_id uuid,
  amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
  body text NOT NULL,
  business_date date NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, bill_id, step_days, channel),
  FOREIGN KEY (tenant_id, bill_id) REFERENCES bills (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, outbox_id) REFERENCES message_outbox (tenant_id, id)
);
SELECT make_tenant_owned('collection_notices', 'SELECT, INSERT, UPDATE');
CREATE INDEX collection_notices_account ON collection_notices (tenant_id, account_id, created_at DESC);
CREATE INDEX collection_notices_day ON collection_notices (tenant_id, business_date, channel);

-- A collector's visit, promise to pay (承诺缴费) or other note on an account. Append-only.
CREATE TABLE collection_notes (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL,
  staff_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('visit', 'promise_to_pay', 'note')),
  note text NOT NULL CHECK (length(note) BETWEEN 1 AND 1000),
  promised_on date,
  promised_fen bigint CHECK (promised_fen > 0),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
  CHECK ((kind = 'promise_to_pay') = (promised_on IS NOT NULL))
);
SELECT make_tenant_owned('collection_notes', 'SELECT, INSERT');
CREATE INDEX collection_notes_account ON collection_notes (tenant_id, account_id, created_at DESC);

-- 停水单: issued → done (water cut off) | cancelled. At most one issued order per account.
CREATE TABLE cutoff_orders (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'done', 'cancelled')),
  notice_id uuid NOT NULL,
  owed_fen bigint NOT NULL CHECK (owed_fen > 0),
  is_override boolean NOT NULL DEFAULT false,
  override_reason text,
  issued_by text NOT NULL,
  issued_at timestamptz NOT NULL,
  done_by text,
  done_at timestamptz,
  cancelled_by text,
  cancelled_at timestamptz,
  cancel_reason text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, notice_id) REFERENCES collection_notices (tenant_id, id),
  CHECK (is_override = (override_reason IS NOT NULL)),
  CHECK ((status = 'done') = (done_at IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
SELECT make_tenant_owned('cutoff_orders', 'SELECT, INSERT, UPDATE');
CREATE UNIQUE INDEX cutoff_orders_one_issued ON cutoff_orders (tenant_id, account_id) WHERE status = 'issued';
CREATE INDEX cutoff_orders_status ON cutoff_orders (tenant_id, status, issued_at);

-- 复水单: created once per executed cut-off when its arrears are paid in full (the unique key makes it
-- exactly once), due within the promised hours.
CREATE TABLE reconnection_orders (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  cutoff_order_id uuid NOT NULL,
  account_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'done')),
  created_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  done_by text,
  done_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, cutoff_order_id),
  FOREIGN KEY (tenant_id, cutoff_order_id) REFERENCES cutoff_orders (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  CHECK ((status = 'done') = (done_at IS NOT NULL))
);
SELECT make_tenant_owned('reconnection_orders', 'SELECT, INSERT, UPDATE');
CREATE INDEX reconnection_orders_due ON reconnection_orders (tenant_id, due_at) WHERE status = 'due';

-- The daily collection run (late fees assessed, due notices sent, paid cut-offs reconnected): the row is
-- taken in the run's transaction, so each utility's business day runs once.
CREATE TABLE collection_runs (
  tenant_id uuid NOT NULL,
  business_date date NOT NULL,
  started_at timestamptz NOT NULL,
  summary jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (tenant_id, business_date)
);
SELECT make_tenant_owned('collection_runs', 'SELECT, INSERT, UPDATE');
