-- Refunds (退款) and channel reconciliation (渠道对账), and the role that does both: 财务对账员.

-- The role is added to whatever the check allows now (other migrations may have added roles of their own).
DO $$
DECLARE
  allowed text[];
BEGIN
  SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO allowed
  FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m
  WHERE c.conrelid = 'staff_roles'::regclass AND c.conname = 'staff_roles_role_check';
  IF NOT 'finance_clerk' = ANY (allowed) THEN
    allowed := array_append(allowed, 'finance_clerk');
  END IF;
  ALTER TABLE staff_roles DROP CONSTRAINT staff_roles_role_check;
  EXECUTE format('ALTER TABLE staff_roles ADD CONSTRAINT staff_roles_role_check CHECK (role = ANY (%L::text[]))', allowed);
END
$$;

-- A refund of (part of) a payment, back through the payment's own channel: WeChat Pay and Alipay through
-- their refund APIs, cash, card and transfer out of a cashier's open till. The money leaves the account's
-- prepaid balance when the refund is asked for (journal_id: debit prepaid, credit the clearing account);
-- a refund the channel refuses for certain gives it back (reversal_journal_id: the mirror journal).
--
-- The status moves only forward, processing -> succeeded | failed, and a finished refund never changes:
-- the application may update only the status columns (column privileges) and the trigger below refuses
-- any other move. refund_no is the out_refund_no / out_request_no sent to the channel: a retry after an
-- unknown outcome reuses it, so the channel refunds at most once.
CREATE TABLE refunds (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  refund_no text NOT NULL CHECK (refund_no ~ '^[A-Za-z0-9_-]{6,64}$'),
  payment_id uuid NOT NULL,
  account_id uuid NOT NULL,
  channel text NOT NULL CHECK (channel IN ('wechatpay', 'alipay', 'cash', 'card', 'transfer')),
  out_trade_no text,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
  status text NOT NULL CHECK (status IN ('processing', 'succeeded', 'failed')),
  till_id uuid,
  staff_id uuid NOT NULL,
  requested_at timestamptz NOT NULL,
  business_date date NOT NULL,
  journal_id uuid NOT NULL,
  -- What the channel last said (SUCCESS, PROCESSING, ABNORMAL, CLOSED, UNKNOWN, or its error code).
  channel_status text,
  channel_refund_no text,
  completed_at timestamptz,
  reversal_journal_id uuid,
  failure_reason text,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, refund_no),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES payments (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, till_id) REFERENCES tills (tenant_id, id),
  FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
  CHECK ((channel IN ('cash', 'card', 'transfer')) = (till_id IS NOT NULL)),
  CHECK ((channel IN ('wechatpay', 'alipay')) = (out_trade_no IS NOT NULL)),
  CHECK ((status = 'processing') = (completed_at IS NULL)),
  CHECK ((status = 'failed') = (reversal_journal_id IS NOT NULL))
);
SELECT make_tenant_owned('refunds', 'SELECT, INSERT');
GRANT UPDATE (status, channel_status, channel_refund_no, completed_at, reversal_journal_id, failure_reason) ON refunds TO shuiwu_app;
CREATE INDEX refunds_payment ON refunds (tenant_id, payment_id);
CREATE INDEX refunds_till ON refunds (tenant_id, till_id) WHERE till_id IS NOT NULL;
CREATE INDEX refunds_processing ON refunds (tenant_id, requested_at) WHERE status = 'processing';
CREATE INDEX refunds_completed ON refunds (tenant_id, channel, completed_at) WHERE status = 'succeeded';

CREATE FUNCTION refunds_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'processing' THEN
    RAISE EXCEPTION 'refund % is % and cannot change', OLD.refund_no, OLD.status USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER refunds_forward_only BEFORE UPDATE ON refunds FOR EACH ROW EXECUTE FUNCTION refunds_forward_only();
CREATE TRIGGER refunds_no_delete BEFORE DELETE OR TRUNCATE ON refunds FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- One comparison of a channel's day statement with the ledger: the file as received, the totals of both
-- sides and what matched. Append-only.
CREATE TABLE reconciliation_runs (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  channel text NOT NULL CHECK (channel IN ('wechatpay', 'alipay')),
  statement_date date NOT NULL,
  source text NOT NULL CHECK (source IN ('download', 'import')),
  -- False when the channel had no statement for the day (nothing traded): every ledger entry is then a difference.
  has_statement boolean NOT NULL,
  file_name text,
  file_sha256 text,
  file bytea,
  statement_rows integer NOT NULL CHECK (statement_rows >= 0),
  statement_payment_fen bigint NOT NULL,
  statement_refund_fen bigint NOT NULL,
  skipped_lines integer NOT NULL DEFAULT 0,
  ledger_rows integer NOT NULL CHECK (ledger_rows >= 0),
  ledger_payment_fen bigint NOT NULL,
  ledger_refund_fen bigint NOT NULL,
  matched_rows integer NOT NULL CHECK (matched_rows >= 0),
  matched_payment_fen bigint NOT NULL,
  matched_refund_fen bigint NOT NULL,
  difference_count integer NOT NULL CHECK (difference_count >= 0),
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, created_by) REFERENCES staff (tenant_id, id),
  CHECK (has_statement OR (statement_rows = 0 AND file IS NULL))
);
SELECT make_tenant_owned('reconciliation_runs', 'SELECT, INSERT');
CREATE INDEX reconciliation_runs_day ON reconciliation_runs (tenant_id, statement_date DESC, channel, created_at DESC);
CREATE TRIGGER reconciliation_runs_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON reconciliation_runs FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Every difference a run found. Written once with the run; later only resolved, once (column privileges
-- and the trigger): who, when, how, why, and for a credited lost payment the payment it became.
CREATE TABLE reconciliation_differences (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  run_id uuid NOT NULL,
  seq integer NOT NULL,
  type text NOT NULL CHECK (type IN ('missing_in_ledger', 'missing_in_statement', 'amount_mismatch', 'duplicate_in_statement', 'duplicate_in_ledger')),
  kind text NOT NULL CHECK (kind IN ('payment', 'refund')),
  out_trade_no text NOT NULL,
  out_refund_no text,
  statement_line integer,
  statement_fen bigint,
  ledger_fen bigint,
  -- From the statement line: the channel's transaction number and when it completed.
  channel_trade_no text,
  trade_time timestamptz,
  payment_id uuid,
  refund_id uuid,
  description_zh text NOT NULL,
  description_en text NOT NULL,
  resolution text CHECK (resolution IN ('credited', 'written_off', 'channel_error', 'explained')),
  note text,
  resolved_by uuid,
  resolved_at timestamptz,
  resolution_payment_id uuid,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, run_id, seq),
  FOREIGN KEY (tenant_id, run_id) REFERENCES reconciliation_runs (tenant_id, id),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES payments (tenant_id, id),
  FOREIGN KEY (tenant_id, refund_id) REFERENCES refunds (tenant_id, id),
  FOREIGN KEY (tenant_id, resolved_by) REFERENCES staff (tenant_id, id),
  FOREIGN KEY (tenant_id, resolution_payment_id) REFERENCES payments (tenant_id, id),
  CHECK ((resolution IS NULL) = (resolved_at IS NULL) AND (resolution IS NULL) = (resolved_by IS NULL) AND (resolution IS NULL) = (note IS NULL)),
  CHECK ((resolution = 'credited') = (resolution_payment_id IS NOT NULL))
);
SELECT make_tenant_owned('reconciliation_differences', 'SELECT, INSERT');
GRANT UPDATE (resolution, note, resolved_by, resolved_at, resolution_payment_id) ON reconciliation_differences TO shuiwu_app;
CREATE INDEX reconciliation_differences_open ON reconciliation_differences (tenant_id, run_id) WHERE resolution IS NULL;

CREATE FUNCTION reconciliation_differences_resolve_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.resolution IS NOT NULL THEN
    RAISE EXCEPTION 'difference % is already resolved', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER reconciliation_differences_resolve_once BEFORE UPDATE ON reconciliation_differences FOR EACH ROW EXECUTE FUNCTION reconciliation_differences_resolve_once();
CREATE TRIGGER reconciliation_differences_no_delete BEFORE DELETE OR TRUNCATE ON reconciliation_differences FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Refund results (WeChat Pay REFUND.*) arrive at the payment notify URL and are logged with the rest.
ALTER TABLE channel_notifications DROP CONSTRAINT channel_notifications_verdict_check;
ALTER TABLE channel_notifications ADD CONSTRAINT channel_notifications_verdict_check CHECK (verdict IN ('credited', 'duplicate', 'ignored', 'refused', 'refunded'));
