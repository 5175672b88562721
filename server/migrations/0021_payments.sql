-- Payments (收费 · 销账): online orders with the channels, money received by any channel, what each payment
-- settled, prepaid balances, idempotency keys of payment-creating requests, and the security log of
-- refused channel notifications. Money is integer fen.

-- An order placed with WeChat Pay or Alipay for a customer: paid at most once (the unique payment_id and
-- the status move happen in the transaction that records the payment).
CREATE TABLE payment_orders (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  out_trade_no text NOT NULL CHECK (out_trade_no ~ '^[A-Za-z0-9_-]{6,32}$'),
  channel text NOT NULL CHECK (channel IN ('wechatpay', 'alipay')),
  account_id uuid NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('bills', 'topup')),
  bill_ids uuid[] NOT NULL DEFAULT '{}',
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  status text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'paid', 'closed')),
  channel_trade_no text,
  portal_user_id uuid,
  pay_url text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  paid_at timestamptz,
  payment_id uuid,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, out_trade_no),
  UNIQUE (tenant_id, payment_id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  CHECK ((status = 'paid') = (payment_id IS NOT NULL))
);
SELECT make_tenant_owned('payment_orders', 'SELECT, INSERT, UPDATE');
CREATE INDEX payment_orders_account ON payment_orders (tenant_id, account_id, created_at DESC);
CREATE INDEX payment_orders_open ON payment_orders (tenant_id, created_at) WHERE status = 'created';

-- A cashier's day at the counter (收费员日结): opened, then closed with what was counted per method.
CREATE TABLE tills (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  staff_id uuid NOT NULL,
  business_date date NOT NULL,
  opened_at timestamptz NOT NULL,
  closed_at timestamptz,
  expected jsonb,
  counted jsonb,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
  CHECK ((closed_at IS NULL) = (counted IS NULL))
);
SELECT make_tenant_owned('tills', 'SELECT, INSERT, UPDATE');
CREATE UNIQUE INDEX tills_one_open ON tills (tenant_id, staff_id) WHERE closed_at IS NULL;

-- Money received, by any channel. Append-only: a mistaken payment is reversed by a refund, never edited.
CREATE TABLE payments (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  receipt_no text NOT NULL,
  account_id uuid NOT NULL,
  channel text NOT NULL CHECK (channel IN ('wechatpay', 'alipay', 'cash', 'card', 'transfer', 'bank_withholding', 'gov_app')),
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  -- What of it settled bills and what went to the prepaid balance.
  allocated_fen bigint NOT NULL CHECK (allocated_fen >= 0),
  prepaid_fen bigint NOT NULL CHECK (prepaid_fen >= 0),
  order_id uuid,
  channel_trade_no text,
  staff_id uuid,
  till_id uuid,
  received_at timestamptz NOT NULL,
  business_date date NOT NULL,
  journal_id uuid NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, receipt_no),
  UNIQUE (tenant_id, order_id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES payment_orders (tenant_id, id),
  FOREIGN KEY (tenant_id, till_id) REFERENCES tills (tenant_id, id),
  CHECK (allocated_fen + prepaid_fen = amount_fen),
  CHECK ((channel IN ('cash', 'card', 'transfer')) = (till_id IS NOT NULL))
);
SELECT make_tenant_owned('payments', 'SELECT, INSERT');
CREATE INDEX payments_account ON payments (tenant_id, account_id, received_at DESC);
CREATE INDEX payments_till ON payments (tenant_id, till_id) WHERE till_id IS NOT NULL;
CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON payments FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

ALTER TABLE payment_orders ADD FOREIGN KEY (tenant_id, payment_id) REFERENCES payments (tenant_id, id) DEFERRABLE INITIALLY DEFERRED;

-- Which bills a payment (or a settlement from the prepaid balance) paid, oldest first.
CREATE TABLE bill_settlements (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  bill_id uuid NOT NULL,
  payment_id uuid,
  source text NOT NULL CHECK (source IN ('payment', 'prepaid')),
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  settled_at timestamptz NOT NULL,
  journal_id uuid,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, bill_id) REFERENCES bills (tenant_id, id),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES payments (tenant_id, id),
  CHECK ((source = 'payment') = (payment_id IS NOT NULL))
);
SELECT make_tenant_owned('bill_settlements', 'SELECT, INSERT');
CREATE INDEX bill_settlements_bill ON bill_settlements (tenant_id, bill_id);
CREATE INDEX bill_settlements_payment ON bill_settlements (tenant_id, payment_id) WHERE payment_id IS NOT NULL;
CREATE TRIGGER bill_settlements_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON bill_settlements FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- The prepaid balance of an account (预存余额), kept beside the ledger's prepaid entries in the same
-- transaction; the row lock serialises concurrent deductions and the CHECK makes a negative balance
-- impossible whatever the code does.
CREATE TABLE prepaid_balances (
  tenant_id uuid NOT NULL,
  account_id uuid NOT NULL,
  balance_fen bigint NOT NULL DEFAULT 0 CHECK (balance_fen >= 0),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, account_id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
);
SELECT make_tenant_owned('prepaid_balances', 'SELECT, INSERT, UPDATE');

-- Idempotency-Key of payment-creating requests: the first request's response, replayed to every repeat;
-- the same key with a different body is refused.
CREATE TABLE idempotency_keys (
  tenant_id uuid NOT NULL,
  principal text NOT NULL,
  key text NOT NULL CHECK (length(key) BETWEEN 8 AND 100),
  request_hash text NOT NULL,
  -- 0 while the first request is still being served.
  response_status integer NOT NULL DEFAULT 0,
  response_body jsonb,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, principal, key)
);
SELECT make_tenant_owned('idempotency_keys', 'SELECT, INSERT, UPDATE, DELETE');

-- Channel notifications and security events: every notification received, accepted or refused, with why.
CREATE TABLE channel_notifications (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  channel text NOT NULL CHECK (channel IN ('wechatpay', 'alipay', 'gov_app', 'simulator')),
  received_at timestamptz NOT NULL,
  verdict text NOT NULL CHECK (verdict IN ('credited', 'duplicate', 'ignored', 'refused')),
  reason text,
  out_trade_no text,
  remote_address text,
  body_excerpt text,
  PRIMARY KEY (tenant_id, id)
);
SELECT make_tenant_owned('channel_notifications', 'SELECT, INSERT');
CREATE INDEX channel_notifications_time ON channel_notifications (tenant_id, received_at DESC);
CREATE INDEX channel_notifications_refused ON channel_notifications (tenant_id, received_at DESC) WHERE verdict = 'refused';
CREATE TRIGGER channel_notifications_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON channel_notifications FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
