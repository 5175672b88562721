import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchQueued, type SmsGateway, type SmsMessage } from '../src/modules/notifications';
import { createTestEnvironment, type TestEnvironment, type Utility } from './harness';

/** A gateway that hands messages to the outside world (here: a list), and can be made to fail. */
class RemoteGateway implements SmsGateway {
  readonly name = 'remote-test';
  readonly isLocal = false;
  readonly sent: SmsMessage[] = [];
  isFailing = false;

  async send(message: SmsMessage) {
    if (this.isFailing) throw new Error('gateway unreachable');
    this.sent.push(message);
    return { providerMessageId: `remote-${this.sent.length}`, isDelivered: false };
  }
}

let environment: TestEnvironment;
let utility: Utility;
const gateway = new RemoteGateway();

beforeAll(async () => {
  environment = await createTestEnvironment({ sms: gateway });
  utility = await environment.givenUtility('notify');
});
afterAll(() => environment.close());

describe('the message outbox with a real SMS gateway', () => {
  it('sends the login code to the phone but never shows it to staff', async () => {
    expect((await environment.anonymous.post('/api/portal/otp', { tenant: 'notify', phone: '13600000001' })).status).toBe(202);
    const code = /(\d{6})/.exec(gateway.sent.at(-1)?.body ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const auditor = await environment.loginStaff(utility, 'auditor');
    const outbox = await auditor.get<{ messages: { body: string; status: string; provider: string }[] }>('/api/outbox');
    expect(outbox.body.messages[0]?.body).not.toContain(code);
    expect(outbox.body.messages[0]?.body).toContain('******');
    expect(outbox.body.messages[0]).toMatchObject({ status: 'sent', provider: 'remote-test' });
  });

  it('keeps a message queued while the gateway fails and gives up after five attempts', async () => {
    gateway.isFailing = true;
    environment.clock.advanceMinutes(2);
    await environment.anonymous.post('/api/portal/otp', { tenant: 'notify', phone: '13600000002' });
    const status = async () =>
      (await environment.db.withTenant(utility.tenant.id, (sql) =>
        sql.query<{ status: string; attempts: number }>("SELECT status, attempts FROM message_outbox WHERE recipient = '13600000002'"),
      ))[0];
    expect(await status()).toEqual({ status: 'queued', attempts: 1 });
    for (let pass = 0; pass < 4; pass += 1) await dispatchQueued(environment.context, gateway, utility.tenant.id);
    expect(await status()).toEqual({ status: 'failed', attempts: 5 });
    gateway.isFailing = false;
  });
});
