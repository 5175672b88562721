/**
 * The background passes that `shuiwu serve` (in its own process) and `shuiwu worker` both run: message
 * delivery and the daily loop. Every pass is safe to run in several processes at once: rows are claimed with
 * SKIP LOCKED or marked done in the transaction that does the work.
 */
import type { Config } from '../platform/config';
import type { PlatformContext } from '../platform/context';
import { sendAppointmentReminders } from '../modules/appointments';
import { runDailyCollection } from '../modules/collection';
import { dispatchQueued, type SmsGateway, type WechatOfficialAccountClient } from '../modules/notifications';
import { configuredGateways, demoOfficialAccount, expireWithholdingBatches, type PaymentGateways } from '../modules/payments';
import { listTenants } from '../modules/tenancy';

/**
 * The WeChat official account a utility's WeChat messages go through: a client, null when the utility has
 * none (its WeChat messages fall back to SMS), undefined when this process cannot reach it (they stay queued).
 */
export type OfficialAccountOf = (tenantCode: string) => WechatOfficialAccountClient | null | undefined;

/** serve: the accounts of the gateways it pays with (in the demo, the simulator it mounts). */
export const officialAccountsOf =
  (gateways: PaymentGateways): OfficialAccountOf =>
  (tenantCode) =>
    gateways.officialAccount(tenantCode);

/**
 * worker: the same accounts serve uses. With real merchants (SHUIWU_PAYMENT_CONFIG) each utility's own; in the
 * demo the simulator mounted in `shuiwu serve`, reached at SHUIWU_PUBLIC_URL (default: where serve listens).
 */
export function workerOfficialAccounts(config: Config): OfficialAccountOf {
  if (config.paymentConfigFile) {
    const gateways = configuredGateways(config.paymentConfigFile, { publicBaseUrl: config.publicUrl ?? '' });
    return (tenantCode) => gateways.officialAccount(tenantCode);
  }
  const serveUrl = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  const account = demoOfficialAccount(config.secretKey, serveUrl);
  return () => account;
}

/** Every utility's queued messages: SMS through the gateway, WeChat messages through the utility's official account. */
export async function deliverAll(context: PlatformContext, sms: SmsGateway, officialAccountOf: OfficialAccountOf): Promise<void> {
  for (const tenant of await listTenants(context)) await dispatchQueued(context, sms, tenant.id, 50, officialAccountOf(tenant.code));
}

/**
 * The daily loop of every utility: the collection run (late fees, dunning notices, reconnection orders) of a
 * business day not yet run, each day once per utility, whichever process gets there first; the expiry of
 * withholding batches left without a result file (each batch once, under its row lock); and the day-before
 * appointment reminders, due from 09:00 local time, each booking once per date (reminded_for, claimed with
 * SKIP LOCKED), so a restart or a second worker sends none twice.
 */
export async function collectAll(context: PlatformContext): Promise<void> {
  for (const tenant of await listTenants(context)) {
    await runDailyCollection(context, tenant.id);
    await expireWithholdingBatches(context, tenant.id);
    await sendAppointmentReminders(context, tenant.id);
  }
}
