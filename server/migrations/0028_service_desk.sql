-- The service desk around the requests of 0025: a knowledge base of standard answers (知识库), the call log
-- (来电记录) with call-back tasks, follow-up visits and ratings (回访), the duty leaders' rota (值班领导), and
-- first-contact resolution on the request itself.

-- An inquiry answered on the call and closed there (一次解决); the figure managers' dashboards count.
ALTER TABLE service_requests ADD COLUMN first_contact_resolution boolean NOT NULL DEFAULT false;

-- ---- knowledge base ----
-- An article is its working copy (the latest version saved) and a pointer to the version agents see.
-- Editing a published article saves a new version without changing what agents see until it is published.
CREATE TABLE service_kb_articles (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
  -- The latest version saved (also the optimistic-concurrency version) and the one published, if any.
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  published_version integer CHECK (published_version BETWEEN 1 AND version),
  title text NOT NULL CHECK (length(title) BETWEEN 2 AND 100),
  use_count integer NOT NULL DEFAULT 0,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL,
  published_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  CHECK (status <> 'published' OR published_version IS NOT NULL)
);
SELECT make_tenant_owned('service_kb_articles', 'SELECT, INSERT, UPDATE');
CREATE INDEX service_kb_articles_status ON service_kb_articles (tenant_id, status, updated_at DESC);

-- Every version ever saved (append-only). search_* hold the text lower-cased and width-normalised (NFKC)
-- by the application, so that substring matching of Chinese bigrams and Latin words is a plain strpos.
CREATE TABLE service_kb_article_versions (
  tenant_id uuid NOT NULL,
  article_id uuid NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  title text NOT NULL CHECK (length(title) BETWEEN 2 AND 100),
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  tags text[] NOT NULL DEFAULT '{}',
  keywords text[] NOT NULL DEFAULT '{}',
  search_title text NOT NULL,
  search_keywords text NOT NULL,
  search_body text NOT NULL,
  saved_by text NOT NULL,
  saved_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, article_id, version),
  FOREIGN KEY (tenant_id, article_id) REFERENCES service_kb_articles (tenant_id, id)
);
SELECT make_tenant_owned('service_kb_article_versions', 'SELECT, INSERT');
CREATE TRIGGER service_kb_article_versions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON service_kb_article_versions FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Which published answer was given on which request (quoted into it, or used to close it at first contact).
CREATE TABLE service_kb_uses (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  article_id uuid NOT NULL,
  version integer NOT NULL,
  request_id uuid NOT NULL,
  used_by text NOT NULL,
  used_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, article_id, version) REFERENCES service_kb_article_versions (tenant_id, article_id, version),
  FOREIGN KEY (tenant_id, request_id) REFERENCES service_requests (tenant_id, id)
);
SELECT make_tenant_owned('service_kb_uses', 'SELECT, INSERT');
CREATE INDEX service_kb_uses_request ON service_kb_uses (tenant_id, request_id);

-- ---- call log ----
-- One row per call, inbound or outbound. The other party's number is personal data: stored encrypted
-- (AES-256-GCM), with an HMAC blind index to find a number's calls and a masked form for lists.
-- business_date is the utility's calendar day of started_at, so answer rate per day is a GROUP BY.
CREATE TABLE service_calls (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  outcome text NOT NULL CHECK (outcome IN ('answered', 'missed', 'call_back')),
  number_cipher bytea NOT NULL,
  number_index bytea NOT NULL,
  number_masked text NOT NULL,
  agent_staff_id uuid,
  started_at timestamptz NOT NULL,
  answered_at timestamptz,
  ended_at timestamptz,
  business_date date NOT NULL,
  -- The phone system's own id of the call: the same call logged twice is found, not logged again.
  external_id text CHECK (length(external_id) BETWEEN 1 AND 100),
  -- An outbound call made to work a call-back task.
  callback_id uuid,
  note text CHECK (length(note) <= 1000),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, external_id),
  FOREIGN KEY (tenant_id, agent_staff_id) REFERENCES staff (tenant_id, id),
  CHECK (direction = 'inbound' OR outcome <> 'call_back'),
  CHECK ((outcome = 'answered') = (answered_at IS NOT NULL)),
  CHECK (answered_at IS NULL OR answered_at >= started_at),
  CHECK (ended_at IS NULL OR ended_at >= coalesce(answered_at, started_at))
);
SELECT make_tenant_owned('service_calls', 'SELECT, INSERT, UPDATE');
CREATE INDEX service_calls_day ON service_calls (tenant_id, business_date, direction, outcome);
CREATE INDEX service_calls_started ON service_calls (tenant_id, started_at DESC);
CREATE INDEX service_calls_number ON service_calls (tenant_id, number_index, started_at DESC);

-- The requests a call was about (a call may raise several; a request may be called about several times).
CREATE TABLE service_call_requests (
  tenant_id uuid NOT NULL,
  call_id uuid NOT NULL,
  request_id uuid NOT NULL,
  linked_by text NOT NULL,
  linked_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, call_id, request_id),
  FOREIGN KEY (tenant_id, call_id) REFERENCES service_calls (tenant_id, id),
  FOREIGN KEY (tenant_id, request_id) REFERENCES service_requests (tenant_id, id)
);
SELECT make_tenant_owned('service_call_requests', 'SELECT, INSERT');
CREATE INDEX service_call_requests_request ON service_call_requests (tenant_id, request_id);

-- Call-back tasks (回拨): a missed or call-back call creates one; further missed calls from the same number
-- while it is open are counted on it rather than making another. An agent works it by calling back.
CREATE TABLE service_callbacks (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  call_id uuid NOT NULL,
  number_index bytea NOT NULL,
  missed_calls integer NOT NULL DEFAULT 1 CHECK (missed_calls >= 1),
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'unreachable')),
  due_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  completed_by_staff_id uuid,
  completed_at timestamptz,
  note text CHECK (length(note) <= 1000),
  created_at timestamptz NOT NULL,
  version integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, call_id) REFERENCES service_calls (tenant_id, id),
  FOREIGN KEY (tenant_id, completed_by_staff_id) REFERENCES staff (tenant_id, id),
  CHECK ((state = 'open') = (completed_at IS NULL))
);
SELECT make_tenant_owned('service_callbacks', 'SELECT, INSERT, UPDATE');
CREATE UNIQUE INDEX service_callbacks_one_open ON service_callbacks (tenant_id, number_index) WHERE state = 'open';
CREATE INDEX service_callbacks_state ON service_callbacks (tenant_id, state, due_at);
ALTER TABLE service_calls ADD FOREIGN KEY (tenant_id, callback_id) REFERENCES service_callbacks (tenant_id, id);

-- ---- follow-up visits and ratings ----
-- A follow-up (回访) of a closed request, made by rule at closure (or by the customer rating unasked). It is
-- done when a rating is recorded (portal, SMS link or the agent's phone call), or given up as unreachable.
-- The SMS link's token is stored only as its SHA-256; the token itself is an HMAC of the follow-up, its
-- expiry and a nonce under a key derived from the server secret, so a row altered in the database (a later
-- expiry) no longer matches its token.
CREATE TABLE service_followups (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL,
  reason text NOT NULL CHECK (reason IN ('kind_rule', 'sampled', 'customer')),
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'unreachable', 'cancelled')),
  due_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  rating smallint CHECK (rating BETWEEN 1 AND 5),
  comment text CHECK (length(comment) <= 500),
  rated_via text CHECK (rated_via IN ('portal', 'sms_link', 'phone')),
  recorded_by text,
  recorded_at timestamptz,
  -- What a rating led to: nothing more, the request reopened (desk work), or escalated to the supervisor (repairs).
  outcome text CHECK (outcome IN ('satisfied', 'reopened', 'escalated')),
  reviewed_by text,
  reviewed_at timestamptz,
  review_note text CHECK (length(review_note) <= 1000),
  link_token_hash bytea,
  link_nonce text,
  link_expires_at timestamptz,
  link_sent_at timestamptz,
  link_used_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, link_token_hash),
  FOREIGN KEY (tenant_id, request_id) REFERENCES service_requests (tenant_id, id),
  CHECK ((state = 'done') = (rating IS NOT NULL)),
  CHECK (rating IS NULL OR (rated_via IS NOT NULL AND recorded_at IS NOT NULL AND outcome IS NOT NULL))
);
SELECT make_tenant_owned('service_followups', 'SELECT, INSERT, UPDATE');
CREATE UNIQUE INDEX service_followups_one_pending ON service_followups (tenant_id, request_id) WHERE state = 'pending';
CREATE INDEX service_followups_state ON service_followups (tenant_id, state, due_at);
CREATE INDEX service_followups_request ON service_followups (tenant_id, request_id, created_at DESC);

-- ---- duty leaders (领导带班) ----
-- Who is the duty leader when: a request at alert level 4 or above notifies, by SMS on the phone given here,
-- every shift that covers the moment it is recorded. Shifts are cancelled, never deleted.
CREATE TABLE service_duty_shifts (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  staff_id uuid NOT NULL,
  phone text NOT NULL CHECK (phone ~ '^1[3-9][0-9]{9}$'),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  cancelled_by text,
  cancelled_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
  CHECK (ends_at > starts_at)
);
SELECT make_tenant_owned('service_duty_shifts', 'SELECT, INSERT, UPDATE');
CREATE INDEX service_duty_shifts_time ON service_duty_shifts (tenant_id, starts_at, ends_at) WHERE cancelled_at IS NULL;
