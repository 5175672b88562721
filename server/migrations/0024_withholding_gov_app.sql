-- Bank withholding (银行代扣) and the government service app (政务服务平台) channel. Money is integer fen.

-- A customer's signed withholding mandate for one account: the bank and the bank account to debit. The bank
-- account number is sensitive personal information: stored only encrypted (AES-256-GCM, PersonalDataCipher),
-- with a keyed blind index for exact lookup and its masked form for display. An account has at most one
-- active mandate; a new signed form supersedes the old one, which stays (cancelled) because batch items
-- refer to it.
CREATE TABLE withholding_mandates (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL,
  bank_code text NOT NULL CHECK (bank_code ~ '^[A-Z0-9]{2,20}$'),
  bank_account_encrypted bytea NOT NULL,
  bank_account_blind_index bytea NOT NULL,
  bank_account_masked text NOT NULL,
  holder_name text NOT NULL CHECK (length(holder_name) BETWEEN 1 AND 60),
  signed_on date NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
  created_at timestamptz NOT NULL,
  cancelled_at timestamptz,
  cancel_reason text CHECK (length(cancel_reason) <= 200),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
SELECT make_tenant_owned('withholding_mandates', 'SELECT, INSERT, UPDATE');
CREATE UNIQUE INDEX withholding_mandates_one_active ON withholding_mandates (tenant_id, account_id) WHERE status = 'active';
CREATE INDEX withholding_mandates_bank ON withholding_mandates (tenant_id, bank_code) WHERE status = 'active';
CREATE INDEX withholding_mandates_blind_index ON withholding_mandates (tenant_id, bank_account_blind_index);

-- A batch of debits sent to one bank in that bank's file format (adapter), and what its result file said.
CREATE TABLE withholding_batches (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  batch_no text NOT NULL CHECK (batch_no ~ '^[A-Za-z0-9_-]{1,32}$'),
  bank_code text NOT NULL CHECK (bank_code ~ '^[A-Z0-9]{2,20}$'),
  adapter_id text NOT NULL,
  utility_code text NOT NULL CHECK (utility_code ~ '^[A-Za-z0-9]{1,20}$'),
  created_on date NOT NULL,
  status text NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'completed')),
  item_count integer NOT NULL CHECK (item_count > 0),
  total_fen bigint NOT NULL CHECK (total_fen > 0),
  success_count integer NOT NULL DEFAULT 0,
  success_fen bigint NOT NULL DEFAULT 0,
  failed_count integer NOT NULL DEFAULT 0,
  failed_fen bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  result_imported_at timestamptz,
  -- SHA-256 of the result file that completed the batch.
  result_file_sha256 bytea,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, bank_code, batch_no),
  CHECK ((status = 'completed') = (result_imported_at IS NOT NULL)),
  CHECK (success_fen + failed_fen <= total_fen)
);
SELECT make_tenant_owned('withholding_batches', 'SELECT, INSERT, UPDATE');
CREATE INDEX withholding_batches_time ON withholding_batches (tenant_id, created_at DESC);

-- One debit of a batch. A success becomes exactly one payment (the unique payment_id and the status move
-- from 'sent' happen in the transaction that records the payment, under the batch row's lock).
CREATE TABLE withholding_items (
  tenant_id uuid NOT NULL,
  batch_id uuid NOT NULL,
  sequence integer NOT NULL CHECK (sequence BETWEEN 1 AND 999999),
  mandate_id uuid NOT NULL,
  account_id uuid NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  bill_ref text NOT NULL,
  status text NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'succeeded', 'failed')),
  failure_code text,
  failure_reason text,
  bank_ref text,
  settled_on date,
  payment_id uuid,
  resulted_at timestamptz,
  PRIMARY KEY (tenant_id, batch_id, sequence),
  UNIQUE (tenant_id, payment_id),
  FOREIGN KEY (tenant_id, batch_id) REFERENCES withholding_batches (tenant_id, id),
  FOREIGN KEY (tenant_id, mandate_id) REFERENCES withholding_mandates (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES payments (tenant_id, id),
  CHECK ((status = 'succeeded') = (payment_id IS NOT NULL)),
  CHECK ((status = 'failed') = (failure_code IS NOT NULL)),
  CHECK ((status = 'sent') = (resulted_at IS NULL))
);
SELECT make_tenant_owned('withholding_items', 'SELECT, INSERT, UPDATE');
CREATE INDEX withholding_items_pending ON withholding_items (tenant_id, account_id) WHERE status = 'sent';

-- Partner credentials of the government service app: an app id and an HMAC-SHA256 secret, kept encrypted
-- (the server needs the secret itself to verify signatures, so it cannot be a one-way hash).
CREATE TABLE gov_app_credentials (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  app_id text NOT NULL CHECK (app_id ~ '^[A-Za-z0-9_-]{8,64}$'),
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 60),
  secret_encrypted bytea NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, app_id),
  CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);
SELECT make_tenant_owned('gov_app_credentials', 'SELECT, INSERT, UPDATE');

-- Nonces of signed requests, remembered 10 minutes (twice the ±300 s timestamp window), so a captured
-- request cannot be replayed. Old rows are deleted as new ones arrive.
CREATE TABLE gov_app_nonces (
  tenant_id uuid NOT NULL,
  app_id text NOT NULL,
  nonce text NOT NULL,
  seen_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, app_id, nonce)
);
SELECT make_tenant_owned('gov_app_nonces', 'SELECT, INSERT, DELETE');
CREATE INDEX gov_app_nonces_seen ON gov_app_nonces (tenant_id, seen_at);

-- A payment confirmed by the government app: one per govTradeNo, whatever the number of repeats. The row is
-- claimed first (unique key), the payment recorded, then the answer stored; repeats get the stored answer.
CREATE TABLE gov_app_payments (
  tenant_id uuid NOT NULL,
  gov_trade_no text NOT NULL CHECK (gov_trade_no ~ '^[A-Za-z0-9_-]{6,64}$'),
  app_id text NOT NULL,
  account_id uuid NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  paid_at timestamptz NOT NULL,
  -- The utility's date of paid_at: the day of the daily statement.
  statement_date date NOT NULL,
  payment_id uuid,
  response jsonb,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, gov_trade_no),
  UNIQUE (tenant_id, payment_id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES payments (tenant_id, id)
);
SELECT make_tenant_owned('gov_app_payments', 'SELECT, INSERT, UPDATE');
CREATE INDEX gov_app_payments_day ON gov_app_payments (tenant_id, statement_date);
