-- WeChat official account (微信公众号) for the portal: a portal user's openid, learnt through WeChat's OAuth2
-- web authorisation (snsapi_base) when the portal runs in the WeChat browser. It is what a JSAPI payment is
-- placed for (the payer) and what WeChat messages (template messages) are sent to. One openid per portal
-- user; an openid belongs to one portal user at a time (binding it to another moves it).
CREATE TABLE portal_wechat_identities (
  tenant_id uuid NOT NULL,
  portal_user_id uuid NOT NULL,
  appid text NOT NULL CHECK (appid ~ '^[A-Za-z0-9_-]{4,40}$'),
  openid text NOT NULL CHECK (openid ~ '^[A-Za-z0-9_-]{6,64}$'),
  bound_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, portal_user_id),
  UNIQUE (tenant_id, appid, openid),
  FOREIGN KEY (tenant_id, portal_user_id) REFERENCES portal_users (tenant_id, id) ON DELETE CASCADE
);
SELECT make_tenant_owned('portal_wechat_identities');

-- The OAuth2 `state` of each authorisation started from the portal: single use, short-lived, tied to the
-- portal user who started it, so a code coming back can only bind the openid to that user.
CREATE TABLE wechat_oauth_states (
  tenant_id uuid NOT NULL,
  state text NOT NULL CHECK (state ~ '^[A-Za-z0-9]{16,64}$'),
  portal_user_id uuid NOT NULL,
  return_path text NOT NULL CHECK (return_path ~ '^/portal(/[A-Za-z0-9/_-]*)?$'),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (tenant_id, state),
  FOREIGN KEY (tenant_id, portal_user_id) REFERENCES portal_users (tenant_id, id) ON DELETE CASCADE
);
SELECT make_tenant_owned('wechat_oauth_states', 'SELECT, INSERT, UPDATE');

-- WeChat messages go through the same outbox as SMS: recipient is the openid, body the plain text (shown in
-- the console and sent by SMS if WeChat refuses), payload the template message's fields. A WeChat message
-- that cannot be delivered falls back to an SMS to fallback_phone, linked by fallback_outbox_id.
ALTER TABLE message_outbox DROP CONSTRAINT message_outbox_channel_check;
ALTER TABLE message_outbox ADD CONSTRAINT message_outbox_channel_check CHECK (channel IN ('sms', 'wechat'));
ALTER TABLE message_outbox ADD COLUMN payload jsonb;
ALTER TABLE message_outbox ADD COLUMN fallback_phone text CHECK (fallback_phone ~ '^1[3-9][0-9]{9}$');
ALTER TABLE message_outbox ADD COLUMN fallback_outbox_id uuid;
ALTER TABLE message_outbox ADD CONSTRAINT message_outbox_fallback FOREIGN KEY (tenant_id, fallback_outbox_id) REFERENCES message_outbox (tenant_id, id);
ALTER TABLE message_outbox ADD CONSTRAINT message_outbox_wechat_payload CHECK ((channel = 'wechat') = (payload IS NOT NULL));
