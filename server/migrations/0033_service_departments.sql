-- The department that handles each request category, for the service-quality dashboard's figures per
-- department (服务质量看板): the customer service centre (客户服务中心) handles desk work, the network repair
-- department (管网抢修) bursts, leaks, no water and low pressure, the meter shop (水表所) meter faults and the
-- water quality centre (水质中心) water quality. A category is given its department by code, else by kind; a
-- utility may set another one on the row.

-- The department a category gets when none is given: by its code, else desk work to the customer service
-- centre and repairs to network repair.
CREATE FUNCTION service_category_default_department(code text, kind text) RETURNS text
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT CASE
      WHEN code = 'meter_fault' THEN 'meter'
      WHEN code = 'water_quality' THEN 'water_quality'
      WHEN kind = 'repair' THEN 'network'
      ELSE 'customer_service'
    END
  $$;
GRANT EXECUTE ON FUNCTION service_category_default_department(text, text) TO shuiwu_app;

ALTER TABLE service_categories ADD COLUMN department text
  CHECK (department IN ('customer_service', 'network', 'meter', 'water_quality'));

-- The categories already made (every utility's, so row-level security is lifted for this one statement:
-- it is forced, which would hide every row from an owner that is not a superuser).
ALTER TABLE service_categories NO FORCE ROW LEVEL SECURITY;
UPDATE service_categories SET department = service_category_default_department(code, kind);
ALTER TABLE service_categories FORCE ROW LEVEL SECURITY;

-- Categories are created lazily, with the defaults, by code that does not name a department: an insert
-- that leaves it empty gets the default.
CREATE FUNCTION service_categories_fill_department() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.department IS NULL THEN
    NEW.department := service_category_default_department(NEW.code, NEW.kind);
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER service_categories_fill_department BEFORE INSERT ON service_categories
  FOR EACH ROW EXECUTE FUNCTION service_categories_fill_department();

ALTER TABLE service_categories ALTER COLUMN department SET NOT NULL;

-- The dashboard reads a range of days: requests by the day they were made and closed, deadlines by the
-- day they fall due (met or not: the partial index of 0025 holds only unmet ones), ratings by the day
-- they were recorded.
CREATE INDEX service_requests_created ON service_requests (tenant_id, created_at);
CREATE INDEX service_requests_closed ON service_requests (tenant_id, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX service_request_deadlines_due_all ON service_request_deadlines (tenant_id, due_at);
CREATE INDEX service_followups_recorded ON service_followups (tenant_id, recorded_at) WHERE rating IS NOT NULL;
