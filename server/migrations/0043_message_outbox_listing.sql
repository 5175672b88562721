-- The console's outbox view (newest first, optionally one channel or status) and the link from a fallback SMS
-- back to the WeChat message it stands in for. Without these the list sorts the whole outbox on every refresh
-- and each row's "replaces" lookup scans it.
CREATE INDEX message_outbox_newest ON message_outbox (tenant_id, created_at DESC, id DESC);
CREATE INDEX message_outbox_failed ON message_outbox (tenant_id, created_at DESC) WHERE status = 'failed';
CREATE INDEX message_outbox_fallback ON message_outbox (tenant_id, fallback_outbox_id) WHERE fallback_outbox_id IS NOT NULL;
