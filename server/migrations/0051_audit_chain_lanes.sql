-- Several hash chains per utility (ADR 0008). One chain head per utility serialised every audited write of
-- that utility: the entry's trigger locked the head and the lock was held through the COMMIT's WAL flush,
-- so writers queued on it (the service-creation tail at 300/s, and a ceiling near 500 audited writes/s;
-- bench/RESULTS.md, "Service-request creation"). Now a utility has sixteen lanes, each its own chain. An
-- entry takes the first lane no other transaction holds (SKIP LOCKED), and every later entry of the same
-- transaction follows it in that lane, so a transaction's entries stay consecutive in one chain. Only when
-- all sixteen are held does a writer wait, behind one lane chosen at random. Sixteen is more than the
-- connections one server process keeps (10 by default), so one process's writers never wait for a lane.
--
-- An entry keeps `seq`, its number within the utility: it orders the log for reading and paging, and it is
-- now drawn from an identity sequence (numbers rise in the order entries are written; other utilities'
-- entries leave gaps). Its place in its chain is (`lane`, `link`). Entries written before this migration
-- have no link: they are lane 0, their link is their seq, and their hash is the 0005 format, which
-- `audit_entry_hash` computes for them unchanged. A linked entry's hash also covers its lane, link and seq,
-- so none of them can be edited unnoticed, nor can a link be removed to pass an entry off as an older one.

-- Row-level security is lifted for the statements that read or fill every utility's rows (it is forced,
-- which would hide every row from an owner that is not a superuser; migrations set no tenant), and forced
-- again below.
ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_chain_heads NO FORCE ROW LEVEL SECURITY;

ALTER TABLE audit_log ADD COLUMN lane smallint NOT NULL DEFAULT 0, ADD COLUMN link bigint;

DO $$
DECLARE
  next_seq bigint := (SELECT coalesce(max(seq), 0) + 1 FROM audit_log);
BEGIN
  EXECUTE format('ALTER TABLE audit_log ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (START WITH %s)', next_seq);
END
$$;

-- The lanes' heads. `last_seq` stays the lane's last link (as it was the chain's last seq); `last_entry_seq`
-- is the seq of that entry, so a verifier can name an entry cut from a lane's end.
ALTER TABLE audit_chain_heads ADD COLUMN lane smallint NOT NULL DEFAULT 0, ADD COLUMN last_entry_seq bigint;
UPDATE audit_chain_heads SET last_entry_seq = nullif(last_seq, 0);
ALTER TABLE audit_chain_heads DROP CONSTRAINT audit_chain_heads_pkey;
ALTER TABLE audit_chain_heads ADD PRIMARY KEY (tenant_id, lane);
ALTER TABLE audit_chain_heads ADD CONSTRAINT audit_chain_heads_lane CHECK (lane BETWEEN 0 AND 15);
INSERT INTO audit_chain_heads (tenant_id, lane)
  SELECT heads.tenant_id, lanes.lane FROM audit_chain_heads AS heads, generate_series(1, 15) AS lanes (lane)
  ON CONFLICT DO NOTHING;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_chain_heads FORCE ROW LEVEL SECURITY;

-- The one definition of an entry's hash, for writing and verifying. An entry without a link is hashed as in
-- 0005 (audit_row_hash, unchanged); a linked entry's canonical array also ends with its lane and link.
CREATE OR REPLACE FUNCTION audit_entry_hash(prev_hash bytea, tenant_id uuid, seq bigint, lane smallint, link bigint,
  occurred_at timestamptz, actor_type text, actor_id uuid, actor_name text, action text, object_type text,
  object_id text, subject_customer_id uuid, before jsonb, after jsonb, ip text) RETURNS bytea
  LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN link IS NULL THEN
    audit_row_hash(prev_hash, tenant_id, seq, occurred_at, actor_type, actor_id, actor_name, action, object_type,
      object_id, subject_customer_id, before, after, ip)
  ELSE
    sha256(prev_hash || convert_to(jsonb_build_array(tenant_id, seq,
      to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), actor_type, actor_id, actor_name,
      action, object_type, object_id, subject_customer_id, before, after, ip, lane, link)::text, 'UTF8'))
  END
$$;

CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head audit_chain_heads%ROWTYPE;
  held text := current_setting('shuiwu.audit_lane', true);
BEGIN
  IF held LIKE NEW.tenant_id::text || '/%' THEN
    -- This transaction already holds a lane of this utility: its entries stay together in that chain.
    SELECT * INTO head FROM audit_chain_heads
      WHERE tenant_id = NEW.tenant_id AND lane = split_part(held, '/', 2)::smallint FOR UPDATE;
  END IF;
  IF head.tenant_id IS NULL THEN
    SELECT * INTO head FROM audit_chain_heads WHERE tenant_id = NEW.tenant_id ORDER BY lane LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
      -- The utility's first entry (make its lanes), or every lane is held: wait behind one.
      INSERT INTO audit_chain_heads (tenant_id, lane) SELECT NEW.tenant_id, lanes.lane FROM generate_series(0, 15) AS lanes (lane)
        ON CONFLICT DO NOTHING;
      SELECT * INTO head FROM audit_chain_heads WHERE tenant_id = NEW.tenant_id ORDER BY lane LIMIT 1 FOR UPDATE SKIP LOCKED;
      IF NOT FOUND THEN
        SELECT * INTO head FROM audit_chain_heads WHERE tenant_id = NEW.tenant_id AND lane = floor(random() * 16)::smallint FOR UPDATE;
      END IF;
    END IF;
    PERFORM set_config('shuiwu.audit_lane', NEW.tenant_id::text || '/' || head.lane, true);
  END IF;
  NEW.lane := head.lane;
  NEW.link := head.last_seq + 1;
  NEW.prev_hash := head.last_hash;
  NEW.hash := audit_entry_hash(NEW.prev_hash, NEW.tenant_id, NEW.seq, NEW.lane, NEW.link, NEW.occurred_at, NEW.actor_type,
    NEW.actor_id, NEW.actor_name, NEW.action, NEW.object_type, NEW.object_id, NEW.subject_customer_id, NEW.before,
    NEW.after, NEW.ip);
  UPDATE audit_chain_heads SET last_seq = NEW.link, last_hash = NEW.hash, last_entry_seq = NEW.seq
    WHERE tenant_id = NEW.tenant_id AND lane = head.lane;
  RETURN NEW;
END
$$;
