-- A billing run's summary is the sum of its chunks' own summaries (bills, fen by line type, skipped
-- accounts by reason), written in each chunk's transaction, so finishing a run never scans its bills.
ALTER TABLE billing_run_chunks ADD COLUMN totals jsonb;
ALTER TABLE billing_run_chunks ADD COLUMN attempts integer NOT NULL DEFAULT 0;
-- Workers look for runs with work left; clerks look for an active run of the same period.
CREATE INDEX billing_runs_active ON billing_runs (tenant_id, period) WHERE status IN ('pending', 'running');
CREATE INDEX billing_runs_recent ON billing_runs (tenant_id, created_at DESC);
