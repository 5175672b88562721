-- Who did each step of an application, as data beside the recorded text (`actor`, as the audit log has it:
-- "name (login)" for staff, "portal:139****5678" for the applicant on the portal), so no reader parses it:
-- the kind of actor and a name to show — a staff member's display name as it stood at the event, the
-- applicant's masked mobile number, or the system's name as recorded. Counter submissions and
-- resubmissions, and the completion, now keep the staff member's id too (before, only their text).

ALTER TABLE application_events ADD COLUMN actor_kind text CHECK (actor_kind IN ('staff', 'applicant', 'system'));
ALTER TABLE application_events ADD COLUMN actor_name text;

-- The events already recorded, every utility's: row-level security is lifted for these statements only (it
-- is forced, which would hide every row from an owner that is not a superuser; migrations set no tenant).
ALTER TABLE application_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE staff NO FORCE ROW LEVEL SECURITY;

-- A staff member's steps (claimed, stage done, returned, rejected): by the staff id kept with them.
UPDATE application_events e SET actor_kind = 'staff', actor_name = s.display_name
  FROM staff s WHERE s.tenant_id = e.tenant_id AND s.id = e.staff_id;

-- The applicant on the portal (submitted, resubmitted): the masked mobile number after the prefix.
UPDATE application_events SET actor_kind = 'applicant', actor_name = substr(actor, length('portal:') + 1)
  WHERE actor_kind IS NULL AND actor LIKE 'portal:%';

-- A staff member's steps recorded without the id (a counter submission or resubmission, the completion):
-- by the login in the last parentheses of "name (login)", which is unique within the utility.
UPDATE application_events e SET actor_kind = 'staff', actor_name = s.display_name, staff_id = s.id
  FROM staff s
  WHERE e.actor_kind IS NULL AND s.tenant_id = e.tenant_id AND s.username = substring(e.actor FROM '\(([a-z0-9][a-z0-9._-]{2,31})\)$');

-- A login no longer found: the name as recorded; anything else (no such form) is the system's.
UPDATE application_events SET actor_kind = 'staff', actor_name = substring(actor FROM '^(.*\S)\s+\([^()\s]+\)$')
  WHERE actor_kind IS NULL AND actor ~ '^.*\S\s+\([^()\s]+\)$';
UPDATE application_events SET actor_kind = 'system', actor_name = actor WHERE actor_kind IS NULL;

ALTER TABLE staff FORCE ROW LEVEL SECURITY;
ALTER TABLE application_events FORCE ROW LEVEL SECURITY;

ALTER TABLE application_events ALTER COLUMN actor_kind SET NOT NULL;
ALTER TABLE application_events ALTER COLUMN actor_name SET NOT NULL;
