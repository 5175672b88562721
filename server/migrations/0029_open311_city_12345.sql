-- The two machine-to-machine channels through which service requests arrive from outside: Open311
-- GeoReport v2 clients (docs/OPEN311.md) and the city's 12345 hotline platform (docs/CITY-12345-API.md).
-- Both create ordinary service requests (migration 0025) with channel 'open311' or 'city_12345'.

-- ---- Open311 ----

-- An Open311 client's API key. Only the key's SHA-256 is stored: the key is shown once, when issued.
CREATE TABLE open311_api_keys (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 60),
  -- The key's first characters, so a key can be recognised in lists without being stored.
  key_prefix text NOT NULL CHECK (length(key_prefix) BETWEEN 4 AND 16),
  key_hash bytea NOT NULL CHECK (length(key_hash) = 32),
  rate_limit_per_minute integer NOT NULL CHECK (rate_limit_per_minute BETWEEN 1 AND 10000),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, key_hash),
  CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);
SELECT make_tenant_owned('open311_api_keys', 'SELECT, INSERT, UPDATE');

-- How a request category is published as an Open311 service. A category without a row is published with
-- the defaults (realtime, the built-in keywords and group).
CREATE TABLE open311_services (
  tenant_id uuid NOT NULL,
  category_id uuid NOT NULL,
  is_published boolean NOT NULL,
  type text NOT NULL CHECK (type IN ('realtime', 'batch')),
  keywords text CHECK (length(keywords) <= 200),
  group_name text CHECK (length(group_name) BETWEEN 1 AND 60),
  description text CHECK (length(description) BETWEEN 1 AND 500),
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, category_id),
  FOREIGN KEY (tenant_id, category_id) REFERENCES service_categories (tenant_id, id)
);
SELECT make_tenant_owned('open311_services', 'SELECT, INSERT, UPDATE');

-- One POST requests. A realtime service's request is made at once; a batch service's submission waits in
-- this queue (status queued) until the worker makes it, and the client follows it by its token.
CREATE TABLE open311_submissions (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  token text NOT NULL CHECK (token ~ '^[A-Za-z0-9_-]{16,64}$'),
  api_key_id uuid NOT NULL,
  category_id uuid NOT NULL,
  service_type text NOT NULL CHECK (service_type IN ('realtime', 'batch')),
  status text NOT NULL CHECK (status IN ('queued', 'creating', 'created', 'failed')),
  request_id uuid,
  -- What the service request is made of, without the contact (premise, address, location, description).
  input jsonb NOT NULL CHECK (jsonb_typeof(input) = 'object'),
  -- The contact (name, phone) of a submission whose request is not made yet, encrypted; emptied once it is.
  contact_encrypted bytea,
  -- The submitter's e-mail address, encrypted; never returned by the API.
  email_encrypted bytea,
  -- Keyed hash of the client's device_id: reports from one device can be found without keeping the id.
  device_id_index bytea,
  -- The client's own account id, returned as given (Open311 account_id).
  account_ref text CHECK (length(account_ref) <= 128),
  -- The description as submitted (Open311 allows 4,000 characters; a request holds 2,000).
  description text NOT NULL CHECK (length(description) <= 4000),
  media_url text CHECK (length(media_url) <= 1000),
  attributes jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  claimed_at timestamptz,
  created_at timestamptz NOT NULL,
  processed_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, token),
  UNIQUE (tenant_id, request_id),
  FOREIGN KEY (tenant_id, api_key_id) REFERENCES open311_api_keys (tenant_id, id),
  FOREIGN KEY (tenant_id, category_id) REFERENCES service_categories (tenant_id, id),
  FOREIGN KEY (tenant_id, request_id) REFERENCES service_requests (tenant_id, id),
  CHECK ((status = 'created') = (request_id IS NOT NULL))
);
SELECT make_tenant_owned('open311_submissions', 'SELECT, INSERT, UPDATE');
CREATE INDEX open311_submissions_queue ON open311_submissions (tenant_id, created_at) WHERE status IN ('queued', 'creating');

-- ---- the city's 12345 hotline platform (政务服务便民热线) ----

-- The city platform's credential: its app id and the shared HMAC secret (encrypted: it is needed to verify
-- and to sign), and where replies (办理结果) are pushed.
CREATE TABLE city_12345_links (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  app_id text NOT NULL CHECK (app_id ~ '^[A-Za-z0-9_-]{8,64}$'),
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 60),
  secret_encrypted bytea NOT NULL,
  reply_url text NOT NULL CHECK (reply_url ~ '^https?://' AND length(reply_url) <= 500),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, app_id),
  CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);
SELECT make_tenant_owned('city_12345_links', 'SELECT, INSERT, UPDATE');

-- Nonces of signed calls, remembered 10 minutes (twice the ±300 s timestamp window): no replay gets through.
CREATE TABLE city_12345_nonces (
  tenant_id uuid NOT NULL,
  app_id text NOT NULL,
  nonce text NOT NULL,
  seen_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, app_id, nonce)
);
SELECT make_tenant_owned('city_12345_nonces', 'SELECT, INSERT, DELETE');
CREATE INDEX city_12345_nonces_seen ON city_12345_nonces (tenant_id, seen_at);

-- A work order pushed by the city: one per order number, whatever the number of repeats. The row is claimed
-- first (unique key), the request made, then the answer stored; repeats get the stored answer. The citizen's
-- name and phone are not kept here: they are the request's contact.
CREATE TABLE city_12345_orders (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  order_no text NOT NULL CHECK (order_no ~ '^[A-Za-z0-9_-]{6,64}$'),
  link_id uuid NOT NULL,
  -- SHA-256 of the order as first sent: a repeat must match it.
  payload_hash bytea NOT NULL,
  order_type text NOT NULL CHECK (order_type IN ('consult', 'help', 'complaint', 'suggestion', 'praise')),
  category_text text NOT NULL,
  category_id uuid NOT NULL,
  city_deadline timestamptz NOT NULL,
  is_urgent boolean NOT NULL DEFAULT false,
  status text NOT NULL CHECK (status IN ('creating', 'created')),
  request_id uuid,
  response jsonb,
  claimed_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, order_no),
  UNIQUE (tenant_id, request_id),
  FOREIGN KEY (tenant_id, link_id) REFERENCES city_12345_links (tenant_id, id),
  FOREIGN KEY (tenant_id, category_id) REFERENCES service_categories (tenant_id, id),
  FOREIGN KEY (tenant_id, request_id) REFERENCES service_requests (tenant_id, id),
  CHECK ((status = 'created') = (request_id IS NOT NULL AND response IS NOT NULL))
);
SELECT make_tenant_owned('city_12345_orders', 'SELECT, INSERT, UPDATE');

-- The outbox of replies to the city: one per answering step (respond, close, cancel) of a request that came
-- from the city, written by the trigger below in the transaction of the step itself, then delivered with
-- retries by the worker (city12345/replies.ts).
CREATE TABLE city_12345_replies (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  order_id uuid NOT NULL,
  request_id uuid NOT NULL,
  event_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('respond', 'close', 'cancel')),
  content text NOT NULL,
  handled_by text NOT NULL,
  handled_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_status integer,
  last_error text,
  sent_at timestamptz,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, event_id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES city_12345_orders (tenant_id, id),
  FOREIGN KEY (tenant_id, request_id) REFERENCES service_requests (tenant_id, id),
  FOREIGN KEY (tenant_id, event_id) REFERENCES service_request_events (tenant_id, id)
);
SELECT make_tenant_owned('city_12345_replies', 'SELECT, INSERT, UPDATE');
CREATE INDEX city_12345_replies_due ON city_12345_replies (tenant_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX city_12345_replies_order ON city_12345_replies (tenant_id, order_id, created_at);

-- The security log of the city's calls: accepted, repeated or refused (and why). No bodies: they carry the
-- citizen's name and phone.
CREATE TABLE city_12345_calls (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  received_at timestamptz NOT NULL,
  verdict text NOT NULL CHECK (verdict IN ('accepted', 'duplicate', 'answered', 'refused')),
  reason text,
  app_id text,
  order_no text,
  method text NOT NULL,
  path text NOT NULL,
  remote_address text,
  PRIMARY KEY (tenant_id, id)
);
SELECT make_tenant_owned('city_12345_calls', 'SELECT, INSERT');
CREATE INDEX city_12345_calls_received ON city_12345_calls (tenant_id, received_at);

-- Queues the reply of an answering step of a request that came from the city. It runs in the step's own
-- transaction (as the application role, under the tenant's row-level security), so a reply exists exactly
-- when the step does. The text is the step's note; a close without a note repeats the last answer given.
CREATE FUNCTION city_12345_queue_reply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.step IN ('respond', 'close', 'cancel') THEN
    INSERT INTO city_12345_replies (tenant_id, order_id, request_id, event_id, kind, content, handled_by, handled_at, next_attempt_at, created_at)
    SELECT NEW.tenant_id, o.id, NEW.request_id, NEW.id, NEW.step,
      coalesce(
        nullif(btrim(NEW.note), ''),
        CASE WHEN NEW.step = 'close' THEN (
          SELECT nullif(btrim(e.note), '') FROM service_request_events e
          WHERE e.request_id = NEW.request_id AND e.step = 'respond' AND nullif(btrim(e.note), '') IS NOT NULL
          ORDER BY e.seq DESC LIMIT 1)
        END,
        CASE NEW.step WHEN 'respond' THEN '已答复' WHEN 'close' THEN '已办结' ELSE '已撤销' END),
      NEW.actor, NEW.at, NEW.at, NEW.at
    FROM city_12345_orders o WHERE o.request_id = NEW.request_id
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER city_12345_queue_reply AFTER INSERT ON service_request_events FOR EACH ROW EXECUTE FUNCTION city_12345_queue_reply();
