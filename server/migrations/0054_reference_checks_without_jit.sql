-- The reference checks never compile their queries (JIT). Migration 0053 turned enable_nestloop and
-- enable_hashjoin off inside check_parent_rows, and a plan that still needs a nested loop (the probes: a
-- LATERAL with LIMIT 1) is then costed above 10,000,000,000, far past jit_above_cost (100,000). So every
-- statement of fewer than 256 rows into bills, bill lines, ledger entries or readings compiled its probes:
-- 80–130 ms per check to look up 64 keys in 0.2 ms, two checks per insert of readings. An MQTT batch of 64
-- readings took 170 ms to insert instead of 2 ms, and a single reading from a handheld, a payment's ledger
-- entry or a credit note paid the same. Large statements were spared only where the caller had turned JIT off
-- for its transaction (the billing chunk, a large ingest).
ALTER FUNCTION check_parent_rows() SET jit = off;
