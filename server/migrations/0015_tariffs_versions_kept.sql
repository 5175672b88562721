-- Every tariff version is kept. A version whose first day is still in the future may be withdrawn (it is
-- marked, not deleted, so its number and the record of it stay); otherwise a version never changes once
-- created, except that its end date is set when the next version starts (and cleared again when that next
-- version is withdrawn before taking effect).
ALTER TABLE tariff_versions ADD COLUMN withdrawn_at timestamptz;
ALTER TABLE tariff_versions ADD COLUMN withdrawn_by text;
ALTER TABLE tariff_versions ADD COLUMN withdrawal_reason text;
ALTER TABLE tariff_versions ADD CONSTRAINT tariff_versions_withdrawal_complete
  CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL) AND (withdrawn_at IS NULL) = (withdrawal_reason IS NULL));

CREATE OR REPLACE FUNCTION tariff_versions_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'tariff versions are kept: DELETE refused' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (NEW.tenant_id, NEW.id, NEW.water_category_id, NEW.version, NEW.effective_from, NEW.definition, NEW.note, NEW.created_by, NEW.created_at)
       IS DISTINCT FROM (OLD.tenant_id, OLD.id, OLD.water_category_id, OLD.version, OLD.effective_from, OLD.definition, OLD.note, OLD.created_by, OLD.created_at)
     OR (OLD.withdrawn_at IS NOT NULL
       AND (NEW.withdrawn_at, NEW.withdrawn_by, NEW.withdrawal_reason, NEW.effective_to)
         IS DISTINCT FROM (OLD.withdrawn_at, OLD.withdrawn_by, OLD.withdrawal_reason, OLD.effective_to)) THEN
    RAISE EXCEPTION 'a tariff version does not change once created: only its end date is set, or it is withdrawn'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER tariff_versions_kept BEFORE UPDATE OR DELETE ON tariff_versions FOR EACH ROW EXECUTE FUNCTION tariff_versions_keep();
REVOKE DELETE ON tariff_versions FROM shuiwu_app;
