import { randomUUID } from 'node:crypto';

export interface SmsMessage {
  to: string;
  template: string;
  body: string;
}

/** A channel that delivers SMS: one adapter per gateway, chosen by configuration. */
export interface SmsGateway {
  readonly name: string;
  /**
   * Messages never leave this machine (demo and tests). Only then may staff read one-time codes in the
   * outbox; with a real gateway a code shown to staff would let them log in as the customer.
   */
  readonly isLocal: boolean;
  send(message: SmsMessage): Promise<{ providerMessageId: string; isDelivered: boolean }>;
}

/**
 * The demo and test gateway: nothing leaves the machine. The message stays readable in the outbox (the
 * console's outbox page, and tests read codes from there), and is reported delivered at once.
 */
export class LocalOutboxSmsGateway implements SmsGateway {
  readonly name = 'local-outbox';
  readonly isLocal = true;

  async send(): Promise<{ providerMessageId: string; isDelivered: boolean }> {
    return { providerMessageId: `local-${randomUUID()}`, isDelivered: true };
  }
}
