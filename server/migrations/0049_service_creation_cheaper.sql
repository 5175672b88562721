-- Service-request creation, and every audited write, at less PostgreSQL CPU (bench/RESULTS.md,
-- "Service-request creation"). Nothing here changes what is stored or checked.

-- The row hash of 0005 was declared IMMUTABLE while its body calls STABLE functions (to_char, jsonb_build_array),
-- so the planner never inlined it: each audit entry parsed and planned its body again (about 0.1 ms). Declared
-- STABLE, which is what it is, it is inlined into the chain trigger's expression, planned once per connection.
-- Same body, same bytes: the chain and its verification are unchanged.
CREATE OR REPLACE FUNCTION audit_row_hash(prev_hash bytea, tenant_id uuid, seq bigint, occurred_at timestamptz,
  actor_type text, actor_id uuid, actor_name text, action text, object_type text, object_id text,
  subject_customer_id uuid, before jsonb, after jsonb, ip text) RETURNS bytea
  LANGUAGE sql STABLE AS $$
  SELECT sha256(prev_hash || convert_to(jsonb_build_array(tenant_id, seq,
    to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), actor_type, actor_id, actor_name,
    action, object_type, object_id, subject_customer_id, before, after, ip)::text, 'UTF8'))
$$;

-- The chain head is created only by a utility's first entry: the others lock it at once instead of first
-- trying to insert it (an ON CONFLICT probe of the head on every entry). Same lock, same order, same chain.
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head audit_chain_heads%ROWTYPE;
BEGIN
  SELECT * INTO head FROM audit_chain_heads WHERE tenant_id = NEW.tenant_id FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO audit_chain_heads (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO NOTHING;
    SELECT * INTO head FROM audit_chain_heads WHERE tenant_id = NEW.tenant_id FOR UPDATE;
  END IF;
  NEW.seq := head.last_seq + 1;
  NEW.prev_hash := head.last_hash;
  NEW.hash := audit_row_hash(NEW.prev_hash, NEW.tenant_id, NEW.seq, NEW.occurred_at, NEW.actor_type, NEW.actor_id,
    NEW.actor_name, NEW.action, NEW.object_type, NEW.object_id, NEW.subject_customer_id, NEW.before, NEW.after, NEW.ip);
  UPDATE audit_chain_heads SET last_seq = NEW.seq, last_hash = NEW.hash WHERE tenant_id = NEW.tenant_id;
  RETURN NEW;
END
$$;

-- The 12345 reply trigger of 0029 acts on answering steps only; it now fires only for them, rather than
-- running (and queueing an after-trigger event) for every event of every request.
DROP TRIGGER city_12345_queue_reply ON service_request_events;
CREATE TRIGGER city_12345_queue_reply AFTER INSERT ON service_request_events FOR EACH ROW
  WHEN (NEW.step IN ('respond', 'close', 'cancel')) EXECUTE FUNCTION city_12345_queue_reply();

-- What a creation reads, as the caller (SECURITY INVOKER: under the caller's role and tenant policy) and
-- in PL/pgSQL, whose plan each connection keeps: so the call can go with the transaction's BEGIN in one
-- round trip and still not plan a six-table join each time (service/requests.ts).
CREATE FUNCTION service_request_creation_facts(for_tenant uuid, for_category uuid, for_account uuid, for_premise uuid)
  RETURNS TABLE (time_zone text, settings_version integer, category_id uuid, category_code text, category_name text,
    category_name_en text, kind text, time_basis text, limits jsonb, alert_level smallint, account_found boolean,
    customer_id uuid, account_premise_id uuid, account_address text, is_important boolean, is_special_care boolean,
    customer_has_phone boolean, premise_found boolean, premise_address text)
  LANGUAGE plpgsql STABLE
  AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    SELECT t.time_zone, (SELECT ts.version FROM tenant_settings ts),
      c.id, c.code, c.name, c.name_en, c.kind, c.time_basis, c.limits, c.alert_level,
      a.id IS NOT NULL, a.customer_id, a.premise_id, ap.full_address, cu.is_important, cu.is_special_care, cu.phone IS NOT NULL,
      p.id IS NOT NULL, p.full_address
    FROM tenants t
    LEFT JOIN service_categories c ON c.id = for_category AND c.is_active
    LEFT JOIN accounts a ON a.id = for_account
    LEFT JOIN premises ap ON ap.id = a.premise_id
    LEFT JOIN customers cu ON cu.id = a.customer_id
    LEFT JOIN premises p ON p.id = for_premise
    WHERE t.id = for_tenant;
END
$$;

-- A new request with its deadlines and its first event, in one statement (the deadlines and the event name
-- the request through the CTE, so their foreign keys hold within it), as the caller. The caller gives the
-- id, so the call needs no answer and can go with the COMMIT (service/requests.ts).
CREATE FUNCTION service_request_insert(new_tenant_id uuid, new_id uuid, new_request_no text, new_category_id uuid, new_kind text,
  new_channel text, new_customer_id uuid, new_account_id uuid, new_premise_id uuid, new_address text, new_latitude numeric,
  new_longitude numeric, new_description text, new_contact_name text, new_contact_phone text, new_alert_level smallint,
  new_portal_user_id uuid, new_created_by text, new_created_at timestamptz, new_time_limits text[], new_due_ats timestamptz[],
  new_actor text)
  RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  WITH request AS (
    INSERT INTO service_requests (tenant_id, id, request_no, category_id, kind, channel, customer_id, account_id, premise_id, address,
      latitude, longitude, description, contact_name, contact_phone, alert_level, portal_user_id, created_by, created_at, updated_at)
    VALUES (new_tenant_id, new_id, new_request_no, new_category_id, new_kind, new_channel, new_customer_id, new_account_id, new_premise_id,
      new_address, new_latitude, new_longitude, new_description, new_contact_name, new_contact_phone, new_alert_level, new_portal_user_id,
      new_created_by, new_created_at, new_created_at)
    RETURNING id
  ), deadlines AS (
    INSERT INTO service_request_deadlines (tenant_id, request_id, time_limit, due_at)
    SELECT new_tenant_id, request.id, d.time_limit, d.due_at FROM request, unnest(new_time_limits, new_due_ats) AS d(time_limit, due_at)
  )
  INSERT INTO service_request_events (tenant_id, request_id, step, to_state, actor, at, note)
  SELECT new_tenant_id, request.id, 'submit', 'submitted', new_actor, new_created_at, NULL FROM request;
END
$$;
