-- Append-only, hash-chained audit log. Each tenant has its own chain: the row's hash covers the previous
-- hash and the row's content, so an edited or removed row breaks every later link. The trigger assigns
-- the sequence and hashes under a lock of the chain head, so concurrent writers cannot fork the chain.
CREATE TABLE audit_chain_heads (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  last_seq bigint NOT NULL DEFAULT 0,
  last_hash bytea NOT NULL DEFAULT '\x'::bytea
);
SELECT make_tenant_owned('audit_chain_heads', 'SELECT, INSERT, UPDATE');

CREATE TABLE audit_log (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  seq bigint NOT NULL,
  occurred_at timestamptz NOT NULL,
  actor_type text NOT NULL CHECK (actor_type IN ('staff', 'portal_user', 'system')),
  actor_id uuid,
  actor_name text NOT NULL,
  action text NOT NULL,
  object_type text NOT NULL,
  object_id text NOT NULL,
  subject_customer_id uuid,
  before jsonb,
  after jsonb,
  ip text,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
SELECT make_tenant_owned('audit_log', 'SELECT, INSERT');
CREATE INDEX audit_log_object ON audit_log (tenant_id, object_type, object_id);
CREATE INDEX audit_log_customer ON audit_log (tenant_id, subject_customer_id, seq DESC);
CREATE INDEX audit_log_time ON audit_log (tenant_id, occurred_at DESC);

-- The one definition of a row's hash, used when writing and when verifying.
CREATE OR REPLACE FUNCTION audit_row_hash(prev_hash bytea, tenant_id uuid, seq bigint, occurred_at timestamptz,
  actor_type text, actor_id uuid, actor_name text, action text, object_type text, object_id text,
  subject_customer_id uuid, before jsonb, after jsonb, ip text) RETURNS bytea
  LANGUAGE sql IMMUTABLE AS $$
  SELECT sha256(prev_hash || convert_to(jsonb_build_array(tenant_id, seq,
    to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), actor_type, actor_id, actor_name,
    action, object_type, object_id, subject_customer_id, before, after, ip)::text, 'UTF8'))
$$;

CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head audit_chain_heads%ROWTYPE;
BEGIN
  INSERT INTO audit_chain_heads (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO NOTHING;
  SELECT * INTO head FROM audit_chain_heads WHERE tenant_id = NEW.tenant_id FOR UPDATE;
  NEW.seq := head.last_seq + 1;
  NEW.prev_hash := head.last_hash;
  NEW.hash := audit_row_hash(NEW.prev_hash, NEW.tenant_id, NEW.seq, NEW.occurred_at, NEW.actor_type, NEW.actor_id,
    NEW.actor_name, NEW.action, NEW.object_type, NEW.object_id, NEW.subject_customer_id, NEW.before, NEW.after, NEW.ip);
  UPDATE audit_chain_heads SET last_seq = NEW.seq, last_hash = NEW.hash WHERE tenant_id = NEW.tenant_id;
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
