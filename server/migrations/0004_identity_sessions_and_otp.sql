-- Portal users are identified by their phone number; they see accounts only through bindings.
CREATE TABLE portal_users (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  phone text NOT NULL CHECK (phone ~ '^1[3-9][0-9]{9}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, phone)
);
SELECT make_tenant_owned('portal_users');

CREATE TABLE account_bindings (
  tenant_id uuid NOT NULL,
  portal_user_id uuid NOT NULL,
  account_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, portal_user_id, account_id),
  FOREIGN KEY (tenant_id, portal_user_id) REFERENCES portal_users (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
);
SELECT make_tenant_owned('account_bindings');

-- Failed binding attempts are counted so account numbers cannot be probed for holder names.
CREATE TABLE binding_attempts (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  portal_user_id uuid NOT NULL,
  account_no text NOT NULL,
  succeeded boolean NOT NULL,
  attempted_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, portal_user_id) REFERENCES portal_users (tenant_id, id) ON DELETE CASCADE
);
SELECT make_tenant_owned('binding_attempts');
CREATE INDEX binding_attempts_user_time ON binding_attempts (tenant_id, portal_user_id, attempted_at);

-- One-time codes: only a hash is kept; each code is single use, expires, and allows a few wrong tries.
CREATE TABLE otp_challenges (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  phone text NOT NULL,
  code_hash bytea NOT NULL,
  sent_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  failed_attempts integer NOT NULL DEFAULT 0,
  consumed_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
SELECT make_tenant_owned('otp_challenges');
CREATE INDEX otp_challenges_phone_time ON otp_challenges (tenant_id, phone, sent_at DESC);

-- Sessions of staff and portal users. The cookie holds a random token; only its SHA-256 is stored.
-- Before a request's tenant is known the session is found by that hash alone, which the second policy
-- allows only for the one hash the transaction names.
CREATE TABLE sessions (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('staff', 'portal')),
  staff_id uuid,
  portal_user_id uuid,
  token_hash bytea NOT NULL UNIQUE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  absolute_expires_at timestamptz NOT NULL,
  ended_at timestamptz,
  ended_reason text CHECK (ended_reason IN ('logout', 'idle', 'expired', 'revoked')),
  ip text,
  user_agent text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, portal_user_id) REFERENCES portal_users (tenant_id, id) ON DELETE CASCADE,
  CHECK ((kind = 'staff') = (staff_id IS NOT NULL) AND (kind = 'portal') = (portal_user_id IS NOT NULL))
);
SELECT make_tenant_owned('sessions');
CREATE POLICY session_lookup_by_token ON sessions FOR SELECT
  USING (token_hash = decode(nullif(current_setting('app.session_token_hash', true), ''), 'hex'));
