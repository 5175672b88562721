-- A billing run's chunk reads and writes less (bench/RESULTS.md, "Billing run"). Nothing here changes what
-- is stored or what is refused.

-- bills_account (tenant_id, account_id, period DESC) served an account's history; bills_one_regular_per_period
-- kept one regular bill per account, period and first day. Both were keyed by account, so each bill of a run
-- wrote two entries at scattered pages of two indexes of a million entries. One unique index now does both:
-- a regular bill's last key column is null, and with NULLS NOT DISTINCT two regular bills of the same
-- account, period and first day collide as before; a credit or debit note's is its own id, so notes never
-- collide. An account's bills are its prefix, read forwards or backwards by period.
DROP INDEX bills_account;
DROP INDEX bills_one_regular_per_period;
CREATE UNIQUE INDEX bills_account_period ON bills (tenant_id, account_id, period, period_start, (CASE WHEN kind = 'regular' THEN NULL ELSE id END))
  NULLS NOT DISTINCT;

-- period_consumption for every account whose id lies between two ids: one range scan of the readings
-- index instead of one descent per account. A billing chunk is a run of consecutive account ids
-- (billing/route-accounts.ts), so where its accounts are most of that range this reads the same entries at
-- about half the cost (billing/chunk.ts chooses). It counts exactly what period_consumption counts.
CREATE OR REPLACE FUNCTION range_consumption(period_start date, period_end date, first_account uuid, last_account uuid)
  RETURNS TABLE (account_id uuid, consumption_litres bigint, is_estimated boolean, readings integer)
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT r.account_id, coalesce(sum(r.consumption_litres), 0)::bigint, bool_or(r.status = 'estimated'), count(*)::integer
  FROM readings r
  WHERE r.account_id BETWEEN first_account AND last_account AND r.read_on BETWEEN period_start AND period_end
    AND r.status IN ('accepted', 'estimated') AND r.consumption_litres IS NOT NULL
  GROUP BY r.account_id
$$;
GRANT EXECUTE ON FUNCTION range_consumption(date, date, uuid, uuid) TO shuiwu_app;
