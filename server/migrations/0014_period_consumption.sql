-- What billing needs from readings, owned by the reading module's schema: per account, the water used in a
-- billing period (accepted and estimated readings read in it), whether any of it is an estimate, and how
-- many readings count. Invoker's rights, so row-level security applies as to any query.
CREATE OR REPLACE FUNCTION period_consumption(period_start date, period_end date, account_ids uuid[])
  RETURNS TABLE (account_id uuid, consumption_litres bigint, is_estimated boolean, readings integer)
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT r.account_id, coalesce(sum(r.consumption_litres), 0)::bigint, bool_or(r.status = 'estimated'), count(*)::integer
  FROM readings r
  WHERE r.account_id = ANY(account_ids) AND r.read_on BETWEEN period_start AND period_end
    AND r.status IN ('accepted', 'estimated') AND r.consumption_litres IS NOT NULL
  GROUP BY r.account_id
$$;
GRANT EXECUTE ON FUNCTION period_consumption(date, date, uuid[]) TO shuiwu_app;
