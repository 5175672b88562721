-- Every message to a customer (SMS now; WeChat and e-mail later) is written here in the transaction that
-- decides to send it, then handed to the channel's adapter, which records the outcome on the same row.
CREATE TABLE message_outbox (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  channel text NOT NULL CHECK (channel IN ('sms')),
  recipient text NOT NULL,
  template text NOT NULL,
  body text NOT NULL,
  is_sensitive boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  provider text,
  provider_message_id text,
  last_error text,
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
SELECT make_tenant_owned('message_outbox');
CREATE INDEX message_outbox_queued ON message_outbox (created_at) WHERE status = 'queued';
CREATE INDEX message_outbox_recipient ON message_outbox (tenant_id, recipient, created_at DESC);
