/**
 * The portal user's WeChat identity (openid at the utility's official account), learnt through WeChat's
 * OAuth2 web authorisation with the silent scope snsapi_base when the portal runs in the WeChat browser:
 *
 *   portal → POST /api/portal/wechat/authorization {returnPath}  → authorizeUrl (state: ours, single use, 10 min)
 *   browser → open.weixin.qq.com/connect/oauth2/authorize?…&scope=snsapi_base&state=…  (silent)
 *   WeChat → GET /api/portal/wechat/oauth/callback?code=…&state=…  → code exchanged for the openid, bound,
 *   browser → returnPath?wechat=bound&resume=<state> (or wechat=failed&resume=<state>)
 *
 * The openid is what a JSAPI payment is placed for, and where WeChat messages (dunning notices) go.
 */
import { randomBytes } from 'node:crypto';
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError } from '../../platform/errors';
import type { PaymentGateways } from './gateways';

const STATE_MINUTES = 10;
export const WECHAT_CALLBACK_PATH = '/api/portal/wechat/oauth/callback';

export interface WechatIdentity {
  appid: string;
  openid: string;
}

export async function wechatIdentityOf(sql: Sql, portalUserId: string): Promise<WechatIdentity | null> {
  const [row] = await sql.query<WechatIdentity>('SELECT appid, openid FROM portal_wechat_identities WHERE portal_user_id = $1', [portalUserId]);
  return row ?? null;
}

const maskOpenid = (openid: string): string => `${openid.slice(0, 4)}****${openid.slice(-4)}`;

export interface WechatStatus {
  isAvailable: boolean;
  isBound: boolean;
  openidMasked: string | null;
}

/** Whether the utility has an official account, and whether this portal user's openid at it is known. */
export async function wechatStatus(context: PlatformContext, gateways: PaymentGateways, who: { tenantId: string; tenantCode: string; portalUserId: string }): Promise<WechatStatus> {
  const account = gateways.officialAccount(who.tenantCode);
  const identity = await context.db.withTenant(who.tenantId, (sql) => wechatIdentityOf(sql, who.portalUserId));
  const isBound = account !== null && identity !== null && identity.appid === account.appid;
  return { isAvailable: account !== null, isBound, openidMasked: isBound && identity ? maskOpenid(identity.openid) : null };
}

const unavailable = () =>
  new DomainError('conflict', 'wechat_unavailable', '本单位未开通微信公众号', 'This utility has no WeChat official account', [{ field: 'returnPath', zh: '未开通微信公众号', en: 'no WeChat official account' }]);

/** Starts the silent authorisation: a single-use state for this portal user, and where to send the browser. */
export async function startWechatAuthorization(context: PlatformContext, gateways: PaymentGateways, who: { tenantId: string; tenantCode: string; portalUserId: string }, returnPath: string): Promise<{ authorizeUrl: string }> {
  const account = gateways.officialAccount(who.tenantCode);
  if (!account) throw unavailable();
  const state = randomBytes(16).toString('hex');
  const now = context.clock.now();
  await context.db.withTenant(who.tenantId, (sql) =>
    sql.query('INSERT INTO wechat_oauth_states (tenant_id, state, portal_user_id, return_path, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      who.tenantId,
      state,
      who.portalUserId,
      returnPath,
      now,
      new Date(now.getTime() + STATE_MINUTES * 60_000),
    ]),
  );
  return { authorizeUrl: account.authorizeUrl(gateways.publicUrl(WECHAT_CALLBACK_PATH), state) };
}

/**
 * The browser is back from WeChat with a code: the state must be this portal user's, unused and fresh; the
 * code is exchanged for the openid, which is bound to the user (moved from any other user it was bound to).
 * Returns where to send the browser, with wechat=bound or wechat=failed.
 */
export async function completeWechatAuthorization(
  context: PlatformContext,
  gateways: PaymentGateways,
  who: { tenantId: string; tenantCode: string; portalUserId: string; actor: Actor },
  input: { code?: string | undefined; state?: string | undefined },
): Promise<string> {
  const now = context.clock.now();
  const claimed = await context.db.withTenant(who.tenantId, async (sql) => {
    const [row] = await sql.query<{ return_path: string }>(
      `UPDATE wechat_oauth_states SET used_at = $3 WHERE state = $1 AND portal_user_id = $2 AND used_at IS NULL AND expires_at > $3 RETURNING return_path`,
      [input.state ?? '', who.portalUserId, now],
    );
    return row?.return_path ?? null;
  });
  if (claimed === null) return '/portal/?wechat=failed';
  // resume: the (now used) state, under which the page kept what the customer was paying (sessionStorage), so
  // the payment goes on at once instead of asking for the bills again. Used states are worth nothing to anyone.
  const back = (outcome: 'bound' | 'failed') => `${claimed}${claimed.includes('?') ? '&' : '?'}wechat=${outcome}&resume=${input.state ?? ''}`;
  const account = gateways.officialAccount(who.tenantCode);
  // No code: the user refused (only possible with snsapi_userinfo, but WeChat may still send none).
  if (!account || !input.code) return back('failed');
  let openid: string;
  try {
    openid = await account.openidFromCode(input.code);
  } catch {
    return back('failed');
  }
  await context.db.withTenant(who.tenantId, async (sql) => {
    // An openid belongs to one portal user at a time: the newest binding wins.
    await sql.query('DELETE FROM portal_wechat_identities WHERE appid = $1 AND openid = $2 AND portal_user_id <> $3', [account.appid, openid, who.portalUserId]);
    await sql.query(
      `INSERT INTO portal_wechat_identities (tenant_id, portal_user_id, appid, openid, bound_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, portal_user_id) DO UPDATE SET appid = EXCLUDED.appid, openid = EXCLUDED.openid, bound_at = EXCLUDED.bound_at`,
      [who.tenantId, who.portalUserId, account.appid, openid, now],
    );
    await recordAudit(sql, who.tenantId, who.actor, now, { action: 'portal_user.wechat_bind', objectType: 'portal_user', objectId: who.portalUserId, after: { appid: account.appid, openid: maskOpenid(openid) } });
  });
  return back('bound');
}
