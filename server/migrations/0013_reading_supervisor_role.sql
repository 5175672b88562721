-- 抄表主管: organises routes, assigns and rotates readers, reviews suspect readings and imports files.
ALTER TABLE staff_roles DROP CONSTRAINT staff_roles_role_check;
ALTER TABLE staff_roles ADD CONSTRAINT staff_roles_role_check CHECK (role IN ('admin', 'counter_clerk', 'hotline_agent',
  'dispatcher', 'repair_crew', 'meter_reader', 'reading_supervisor', 'collector', 'billing_clerk', 'connection_staff',
  'manager', 'auditor'));
