-- Online business applications (网上办 · 掌上办): new connection (报装), holder change (更名过户), category
-- change (用水性质变更), calibration (校表) and meter removal (拆表销户) as workflows of explicit stages, each
-- with a responsible role, a time limit in working days and what it must produce; segregation-of-duties
-- rules between stages; one row per application and one per stage record. Files (the customer's documents,
-- a survey's photos) are attachments (migration 0030) with owner kind 'application'.

-- The department a staff member belongs to (部门), for the rules that two stages of one application be done
-- by different departments (e.g. design and inspection of a connection). Empty until the administrator sets it.
ALTER TABLE staff ADD COLUMN department text
  CHECK (department IN ('customer_service', 'connection', 'design', 'engineering', 'quality', 'meter', 'reading', 'finance'));

-- The utility's application types. Created with the defaults the first time the utility's applications are
-- asked for (applications/defaults.ts); a utility may change them.
CREATE TABLE application_types (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 60),
  description text NOT NULL CHECK (length(description) <= 500),
  description_en text NOT NULL CHECK (length(description_en) <= 500),
  -- A prefix of the application numbers (BZ for 报装), then the business date and a counter.
  number_prefix text NOT NULL CHECK (number_prefix ~ '^[A-Z]{2}$'),
  -- What the customer pays to apply: nothing (免受理费); kept as a column so it is stated, not assumed.
  acceptance_fee_fen bigint NOT NULL DEFAULT 0 CHECK (acceptance_fee_fen = 0),
  is_active boolean NOT NULL DEFAULT true,
  sort_order integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, code)
);
SELECT make_tenant_owned('application_types', 'SELECT, INSERT, UPDATE');

-- The stages of a type in order. `outputs` lists what the stage must produce: fields of a kind (text,
-- date, fen, litres, integer, choice, lines, attachments), each required or not, validated when the stage is
-- done (applications/outputs.ts).
CREATE TABLE application_stages (
  tenant_id uuid NOT NULL,
  type_id uuid NOT NULL,
  position integer NOT NULL CHECK (position BETWEEN 1 AND 30),
  code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 60),
  role text NOT NULL CHECK (role ~ '^[a-z][a-z_]{1,39}$'),
  time_limit_days integer NOT NULL CHECK (time_limit_days BETWEEN 1 AND 60),
  outputs jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(outputs) = 'array'),
  PRIMARY KEY (tenant_id, type_id, position),
  UNIQUE (tenant_id, type_id, code),
  FOREIGN KEY (tenant_id, type_id) REFERENCES application_types (tenant_id, id)
);
SELECT make_tenant_owned('application_stages', 'SELECT, INSERT, UPDATE');

-- The documents a type asks for (简化材料): only these, each required or optional.
CREATE TABLE application_materials (
  tenant_id uuid NOT NULL,
  type_id uuid NOT NULL,
  code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
  is_required boolean NOT NULL,
  sort_order integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, type_id, code),
  FOREIGN KEY (tenant_id, type_id) REFERENCES application_types (tenant_id, id)
);
SELECT make_tenant_owned('application_materials', 'SELECT, INSERT, UPDATE, DELETE');

-- Segregation of duties between stages of one application: the stages listed must each be done by a
-- different person (different_people) or by people of different departments (different_departments).
CREATE TABLE application_sod_rules (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  type_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('different_people', 'different_departments')),
  stage_codes text[] NOT NULL CHECK (cardinality(stage_codes) BETWEEN 2 AND 10),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, type_id) REFERENCES application_types (tenant_id, id)
);
SELECT make_tenant_owned('application_sod_rules', 'SELECT, INSERT, UPDATE, DELETE');

-- One application. The number is given when it is made; the applicant is a customer (known, or entered at
-- the counter), a portal user (applying from the phone), or both. current_position is the stage being
-- worked (null once finished); stage_due_at is its deadline, due_at the whole application's.
CREATE TABLE applications (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  application_no text NOT NULL CHECK (application_no ~ '^[A-Z]{2}[0-9]{13}$'),
  type_id uuid NOT NULL,
  channel text NOT NULL CHECK (channel IN ('portal', 'counter')),
  status text NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'returned', 'completed', 'rejected')),
  current_position integer,
  holder_staff_id uuid,
  customer_id uuid,
  portal_user_id uuid,
  applicant_name text NOT NULL CHECK (length(applicant_name) BETWEEN 1 AND 100),
  applicant_phone text NOT NULL CHECK (applicant_phone ~ '^1[3-9][0-9]{9}$'),
  premise_id uuid,
  district text CHECK (length(district) BETWEEN 1 AND 30),
  street text CHECK (length(street) BETWEEN 1 AND 50),
  address text NOT NULL CHECK (length(address) BETWEEN 2 AND 150),
  -- The account the application is about (holder change, removal …) or, for a connection, the one it opened.
  account_id uuid,
  -- The meter it installed (a connection).
  meter_id uuid,
  details jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
  stage_started_at timestamptz,
  stage_due_at timestamptz,
  due_at timestamptz NOT NULL,
  reason text CHECK (length(reason) BETWEEN 1 AND 500),
  created_by text NOT NULL,
  submitted_at timestamptz NOT NULL,
  finished_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, application_no),
  CHECK ((status = 'in_progress' OR status = 'returned') = (current_position IS NOT NULL)),
  CHECK (customer_id IS NOT NULL OR portal_user_id IS NOT NULL OR channel = 'counter'),
  FOREIGN KEY (tenant_id, type_id) REFERENCES application_types (tenant_id, id),
  FOREIGN KEY (tenant_id, type_id, current_position) REFERENCES application_stages (tenant_id, type_id, position),
  FOREIGN KEY (tenant_id, holder_staff_id) REFERENCES staff (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
  FOREIGN KEY (tenant_id, portal_user_id) REFERENCES portal_users (tenant_id, id),
  FOREIGN KEY (tenant_id, premise_id) REFERENCES premises (tenant_id, id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, meter_id) REFERENCES meters (tenant_id, id)
);
SELECT make_tenant_owned('applications', 'SELECT, INSERT, UPDATE');
CREATE INDEX applications_queue ON applications (tenant_id, type_id, current_position, stage_due_at) WHERE current_position IS NOT NULL;
CREATE INDEX applications_portal_user ON applications (tenant_id, portal_user_id, submitted_at) WHERE portal_user_id IS NOT NULL;
CREATE INDEX applications_customer ON applications (tenant_id, customer_id, submitted_at) WHERE customer_id IS NOT NULL;
CREATE INDEX applications_submitted ON applications (tenant_id, submitted_at);

-- What happened to an application, in order: a stage done (with who, their department, when it started
-- and was due, and its outputs), a return to the customer, a resubmission, a rejection, a claim.
CREATE TABLE application_events (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  seq bigint GENERATED BY DEFAULT AS IDENTITY,
  application_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('submitted', 'claimed', 'stage_done', 'returned', 'resubmitted', 'rejected', 'completed')),
  position integer,
  stage_code text,
  staff_id uuid,
  actor text NOT NULL,
  department text,
  started_at timestamptz,
  due_at timestamptz,
  at timestamptz NOT NULL,
  outputs jsonb,
  note text CHECK (length(note) <= 500),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id),
  FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
  CHECK (kind <> 'stage_done' OR (position IS NOT NULL AND stage_code IS NOT NULL AND staff_id IS NOT NULL AND outputs IS NOT NULL))
);
SELECT make_tenant_owned('application_events', 'SELECT, INSERT');
CREATE INDEX application_events_application ON application_events (tenant_id, application_id, seq);
-- A stage is done once per application; the segregation-of-duties check reads who did which.
CREATE UNIQUE INDEX application_events_done ON application_events (tenant_id, application_id, stage_code) WHERE kind = 'stage_done';
