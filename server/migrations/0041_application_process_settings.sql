-- Editable application processes (issue 6): a utility's administrator changes, per application type, the
-- materials (name, required, the file kinds accepted), each stage's role, time limit and — where the process
-- allows the stage to be skipped — whether it is worked at all, and the segregation-of-duties rules. Every
-- change is a numbered version holding the whole editable configuration as it stood after it, besides the
-- audit log entry. Applications keep what they were given: a stage already started keeps its deadline
-- (applications.stage_due_at), so a new time limit applies to stages started from then on.

-- Whether the stage is worked. Only stages the process allows to be skipped (applications/defaults.ts) may be
-- turned off; an application already at a stage turned off finishes it, later ones pass over it.
ALTER TABLE application_stages ADD COLUMN is_enabled boolean NOT NULL DEFAULT true;

-- The kinds of file accepted for a material: photos and PDF documents (the upload is checked by content, platform/files).
ALTER TABLE application_materials ADD COLUMN accepted_kinds text[] NOT NULL DEFAULT ARRAY['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf']
  CHECK (cardinality(accepted_kinds) BETWEEN 1 AND 5 AND accepted_kinds <@ ARRAY['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf']);

-- The utility's process settings beyond the types' rows: the current version, and how many days after its
-- account is opened a new connection must have its first reading before the zero-consumption report
-- (零水量用户) flags it. No row: version 0 and the defaults.
CREATE TABLE application_settings (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  version integer NOT NULL CHECK (version >= 1),
  first_reading_days integer NOT NULL DEFAULT 45 CHECK (first_reading_days BETWEEN 1 AND 365),
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL,
  PRIMARY KEY (tenant_id)
);
SELECT make_tenant_owned('application_settings', 'SELECT, INSERT, UPDATE');

-- Every version of the settings: who, when, what changed (a short list) and the whole configuration after it.
CREATE TABLE application_settings_versions (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  version integer NOT NULL CHECK (version >= 1),
  changed_at timestamptz NOT NULL,
  changed_by text NOT NULL,
  type_code text,
  changes jsonb NOT NULL CHECK (jsonb_typeof(changes) = 'array'),
  settings jsonb NOT NULL CHECK (jsonb_typeof(settings) = 'object'),
  PRIMARY KEY (tenant_id, version)
);
SELECT make_tenant_owned('application_settings_versions', 'SELECT, INSERT');
