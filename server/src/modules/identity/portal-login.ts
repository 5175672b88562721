import { startSession, type NewSession } from '../../platform/auth/sessions';
import { recordAudit } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { constantTimeEqual, newOneTimeCode } from '../../platform/crypto';
import { DomainError } from '../../platform/errors';
import { maskPhone } from '../../platform/masking';
import { enqueueSms } from '../notifications';
import { requireTenantByCode, type Tenant } from '../tenancy';

export const OTP_TTL_SECONDS = 300;
export const OTP_RESEND_SECONDS = 60;
export const OTP_MAX_PER_DAY = 10;
export const OTP_MAX_WRONG_TRIES = 5;

export interface OtpIssued {
  tenant: Tenant;
  resendAfterSeconds: number;
  expiresInSeconds: number;
}

function codeHash(context: PlatformContext, challengeId: string, code: string): Buffer {
  return context.cipher.blindIndex(`otp:${challengeId}:${code}`);
}

/**
 * Sends a login code by SMS. Every phone number gets the same answer, registered or not (a first login
 * registers the number), so the endpoint tells nobody who is a customer. At most one code a minute and
 * ten a calendar day (in the utility's time zone) per number.
 */
export async function requestLoginCode(context: PlatformContext, input: { tenant: string; phone: string }): Promise<OtpIssued> {
  const tenant = await requireTenantByCode(context, input.tenant);
  const now = context.clock.now();
  const code = newOneTimeCode();
  const refusal = await context.db.withTenant(tenant.id, async (sql) => {
    const counts = await sql.query<{ last_sent: Date | null; today: number }>(
      `SELECT max(sent_at) AS last_sent,
         count(*) FILTER (WHERE sent_at >= (date_trunc('day', $2::timestamptz AT TIME ZONE $3) AT TIME ZONE $3))::int8 AS today
       FROM otp_challenges WHERE phone = $1 AND sent_at > $2::timestamptz - interval '2 days'`,
      [input.phone, now, tenant.timeZone],
    );
    const { last_sent: lastSent, today } = counts[0] ?? { last_sent: null, today: 0 };
    if (lastSent) {
      const waited = (now.getTime() - new Date(lastSent).getTime()) / 1000;
      if (waited < OTP_RESEND_SECONDS) {
        return new DomainError('rate_limited', 'otp_too_soon', '验证码发送过于频繁，请稍后再试', 'A code was sent moments ago; please wait', [], Math.ceil(OTP_RESEND_SECONDS - waited));
      }
    }
    if (today >= OTP_MAX_PER_DAY) {
      return new DomainError('rate_limited', 'otp_daily_limit', '该号码今日获取验证码次数已达上限', 'This number has had the most codes allowed today', [], 3600);
    }
    const rows = await sql.query<{ id: string }>(
      `INSERT INTO otp_challenges (tenant_id, phone, code_hash, sent_at, expires_at)
       VALUES ($1, $2, '\\x00', $3, $4) RETURNING id`,
      [tenant.id, input.phone, now, new Date(now.getTime() + OTP_TTL_SECONDS * 1000)],
    );
    const id = (rows[0] as { id: string }).id;
    await sql.query('UPDATE otp_challenges SET code_hash = $2 WHERE id = $1', [id, codeHash(context, id, code)]);
    await enqueueSms(
      sql,
      tenant.id,
      {
        to: input.phone,
        template: 'login_code',
        body: `【${tenant.name}】您的登录验证码为 ${code}，${OTP_TTL_SECONDS / 60} 分钟内有效。如非本人操作，请忽略本短信。`,
        isSensitive: true,
      },
      now,
    );
    return null;
  });
  if (refusal) throw refusal;
  return { tenant, resendAfterSeconds: OTP_RESEND_SECONDS, expiresInSeconds: OTP_TTL_SECONDS };
}

const invalidCode = (): DomainError =>
  new DomainError('unauthenticated', 'invalid_code', '验证码错误或已失效，请重新输入或重新获取', 'The code is wrong or has expired; try again or request a new one', [
    { field: 'code', zh: '验证码错误或已失效', en: 'wrong or expired code' },
  ]);

export interface PortalLoginResult {
  tenant: Tenant;
  portalUserId: string;
  session: NewSession;
}

/**
 * Accepts the latest unexpired code for the number once. Five wrong entries burn the code; each wrong
 * entry is committed before the answer, so retries cannot outrun the count.
 */
export async function logInWithCode(
  context: PlatformContext,
  input: { tenant: string; phone: string; code: string },
  client: { ip: string | null; userAgent: string | null },
): Promise<PortalLoginResult> {
  const tenant = await requireTenantByCode(context, input.tenant);
  const now = context.clock.now();
  const outcome = await context.db.withTenant(tenant.id, async (sql) => {
    const challenges = await sql.query<{ id: string; code_hash: Uint8Array; failed_attempts: number }>(
      `SELECT id, code_hash, failed_attempts FROM otp_challenges
       WHERE phone = $1 AND consumed_at IS NULL AND expires_at > $2
       ORDER BY sent_at DESC LIMIT 1 FOR UPDATE`,
      [input.phone, now],
    );
    const challenge = challenges[0];
    if (!challenge || challenge.failed_attempts >= OTP_MAX_WRONG_TRIES) return null;
    if (!constantTimeEqual(Buffer.from(challenge.code_hash), codeHash(context, challenge.id, input.code))) {
      await sql.query('UPDATE otp_challenges SET failed_attempts = failed_attempts + 1 WHERE id = $1', [challenge.id]);
      return null;
    }
    await sql.query('UPDATE otp_challenges SET consumed_at = $2 WHERE id = $1', [challenge.id, now]);
    const users = await sql.query<{ id: string }>(
      `INSERT INTO portal_users (tenant_id, phone, last_login_at) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, phone) DO UPDATE SET last_login_at = EXCLUDED.last_login_at RETURNING id`,
      [tenant.id, input.phone, now],
    );
    const portalUserId = (users[0] as { id: string }).id;
    await recordAudit(
      sql,
      tenant.id,
      { type: 'portal_user', id: portalUserId, name: `portal:${maskPhone(input.phone)}`, ip: client.ip },
      now,
      { action: 'portal.login', objectType: 'portal_user', objectId: portalUserId },
    );
    const session = await startSession(context, sql, tenant.id, { kind: 'portal', portalUserId }, client);
    return { portalUserId, session };
  });
  if (!outcome) throw invalidCode();
  return { tenant, ...outcome };
}
