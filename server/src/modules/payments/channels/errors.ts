export type PaymentChannel = 'wechatpay' | 'alipay';

/**
 * A channel call that did not give a usable answer: the channel refused it (its own code, e.g. WeChat Pay's
 * ORDERPAID or Alipay's ACQ.TRADE_HAS_SUCCESS), the answer was not signed by the channel, or the network
 * failed. `isDefinite` tells the caller whether the channel certainly did not act: after a timeout or a
 * 5xx an order or refund may still have gone through, so the caller must query before retrying differently.
 */
export class PaymentChannelError extends Error {
  constructor(
    readonly channel: PaymentChannel,
    /** The channel's code (Alipay: sub_code when present), or ours: NETWORK_ERROR, BAD_RESPONSE_SIGNATURE, BAD_RESPONSE. */
    readonly code: string,
    message: string,
    readonly httpStatus: number | null = null,
    readonly isDefinite = false,
  ) {
    super(`${channel} ${code}: ${message}`);
    this.name = 'PaymentChannelError';
  }
}
