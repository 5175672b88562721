-- Service requests (工单): inquiries, complaints, praise, suggestions and repairs from every channel, with
-- their time limits (时限), the steps taken, and escalations. Categories carry the limits per utility.

CREATE TABLE service_categories (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{1,31}$'),
  name text NOT NULL,
  name_en text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('inquiry', 'complaint', 'praise', 'suggestion', 'repair')),
  time_basis text NOT NULL CHECK (time_basis IN ('clock', 'working')),
  -- Minutes per time limit: accept/respond/close (desk) or accept/dispatch/arrive/control/restore (field).
  limits jsonb NOT NULL CHECK (jsonb_typeof(limits) = 'object'),
  alert_level smallint NOT NULL DEFAULT 1 CHECK (alert_level BETWEEN 1 AND 5),
  is_active boolean NOT NULL DEFAULT true,
  sort_order integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, code)
);
SELECT make_tenant_owned('service_categories', 'SELECT, INSERT, UPDATE');

CREATE TABLE service_requests (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  request_no text NOT NULL,
  category_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('inquiry', 'complaint', 'praise', 'suggestion', 'repair')),
  channel text NOT NULL CHECK (channel IN ('portal', 'hotline', 'counter', 'wechat', 'city_12345', 'open311')),
  state text NOT NULL DEFAULT 'submitted' CHECK (state IN ('submitted', 'accepted', 'responded', 'dispatched', 'en_route', 'arrived', 'controlled', 'restored', 'closed', 'cancelled')),
  customer_id uuid,
  account_id uuid,
  premise_id uuid,
  address text,
  latitude numeric(9, 6) CHECK (latitude BETWEEN -90 AND 90),
  longitude numeric(9, 6) CHECK (longitude BETWEEN -180 AND 180),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
  contact_name text,
  contact_phone text,
  alert_level smallint NOT NULL CHECK (alert_level BETWEEN 1 AND 5),
  assignee_staff_id uuid,
  portal_user_id uuid,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  closed_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, request_no),
  FOREIGN KEY (tenant_id, category_id) REFERENCES service_categories (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, premise_id) REFERENCES premises (tenant_id, id),
  FOREIGN KEY (tenant_id, assignee_staff_id) REFERENCES staff (tenant_id, id)
);
SELECT make_tenant_owned('service_requests', 'SELECT, INSERT, UPDATE');
CREATE INDEX service_requests_open ON service_requests (tenant_id, state, created_at) WHERE state NOT IN ('closed', 'cancelled');
CREATE INDEX service_requests_customer ON service_requests (tenant_id, customer_id, created_at DESC);
CREATE INDEX service_requests_premise ON service_requests (tenant_id, premise_id, created_at DESC);
CREATE INDEX service_requests_portal_user ON service_requests (tenant_id, portal_user_id, created_at DESC) WHERE portal_user_id IS NOT NULL;

-- One row per time limit of a request: when it is due, when the step that meets it was taken, and how far
-- its escalation has gone (0 none, 1 supervisor, 2 department head). Escalation moves the level with a
-- conditional UPDATE, so each level fires once, whichever process and however often it runs.
CREATE TABLE service_request_deadlines (
  tenant_id uuid NOT NULL,
  request_id uuid NOT NULL,
  time_limit text NOT NULL CHECK (time_limit IN ('accept', 'respond', 'close', 'dispatch', 'arrive', 'control', 'restore')),
  due_at timestamptz NOT NULL,
  met_at timestamptz,
  escalation_level smallint NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 2),
  PRIMARY KEY (tenant_id, request_id, time_limit),
  FOREIGN KEY (tenant_id, request_id) REFERENCES service_requests (tenant_id, id)
);
SELECT make_tenant_owned('service_request_deadlines', 'SELECT, INSERT, UPDATE');
CREATE INDEX service_request_deadlines_due ON service_request_deadlines (tenant_id, due_at) WHERE met_at IS NULL AND escalation_level < 2;

-- What happened to a request, step by step (append-only).
CREATE TABLE service_request_events (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- The order steps were taken in, also when several share an instant.
  seq bigint GENERATED ALWAYS AS IDENTITY,
  request_id uuid NOT NULL,
  step text NOT NULL,
  from_state text,
  to_state text,
  actor text NOT NULL,
  at timestamptz NOT NULL,
  note text,
  detail jsonb,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, request_id) REFERENCES service_requests (tenant_id, id)
);
SELECT make_tenant_owned('service_request_events', 'SELECT, INSERT');
CREATE INDEX service_request_events_request ON service_request_events (tenant_id, request_id, seq);
CREATE TRIGGER service_request_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON service_request_events FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
