import { z } from 'zod';

const fen = z.int().meta({ description: 'Integer fen (分)' });
const positiveFen = z.int().min(1).max(100_000_000).meta({ description: 'Integer fen (分), 1 fen to 1,000,000 yuan' });
const names = z.object({ zh: z.string(), en: z.string() });

export const paymentMethodSchema = z.enum(['wechatpay', 'alipay', 'cash', 'card', 'transfer', 'bank_withholding', 'gov_app']);
export const counterMethodSchema = z.enum(['cash', 'card', 'transfer']);
export const onlineChannelSchema = z.enum(['wechatpay', 'alipay']);

export const methodTotalsSchema = z.strictObject({ cash: fen.min(0), card: fen.min(0), transfer: fen.min(0) }).meta({ id: 'MethodTotals' });
export type MethodTotals = z.infer<typeof methodTotalsSchema>;

export const paymentSummarySchema = z
  .object({
    id: z.uuid(),
    receiptNo: z.string(),
    accountId: z.uuid(),
    accountNo: z.string(),
    method: paymentMethodSchema,
    methodName: names,
    amountFen: fen,
    allocatedFen: fen.meta({ description: 'What settled bills' }),
    prepaidFen: fen.meta({ description: 'What went to the prepaid balance' }),
    receivedAt: z.iso.datetime(),
    businessDate: z.iso.date(),
    cashier: z.string().nullable(),
    channelTradeNo: z.string().nullable(),
    refundedFen: fen.meta({ description: 'Refunded of it so far (refunds not failed)' }),
    reversal: z
      .object({ reversedAt: z.iso.datetime(), reason: z.string(), reversedBy: z.string() })
      .nullable()
      .meta({ description: 'Set when a supervisor reversed (冲正) the payment: its money is no longer on the account' }),
  })
  .meta({ id: 'PaymentSummary' });
export type PaymentSummary = z.infer<typeof paymentSummarySchema>;

export const receiptSchema = paymentSummarySchema
  .extend({
    holderName: z.string().meta({ description: 'Masked for persons' }),
    address: z.string(),
    settledBills: z.array(z.object({ billId: z.uuid(), billNo: z.string(), period: z.string(), amountFen: fen })),
    lateFeeFen: fen.meta({ description: 'What of the payment settled late fees (滞纳金), after the bills' }),
    balanceAfterFen: fen.meta({ description: 'Owed (positive) or in credit (negative) after this payment' }),
    utility: z.object({ name: z.string(), hotline: z.string().nullable() }),
  })
  .meta({ id: 'Receipt' });
export type Receipt = z.infer<typeof receiptSchema>;

export const statementSchema = z
  .object({
    balanceFen: fen,
    prepaidFen: fen,
    lines: z.array(
      z.object({
        journalId: z.uuid(),
        entryType: z.string(),
        businessDate: z.iso.date(),
        postedAt: z.iso.datetime(),
        description: z.string(),
        billNo: z.string().nullable(),
        changeFen: fen.meta({ description: 'Positive: charged; negative: paid or credited' }),
        balanceFen: fen,
      }),
    ),
  })
  .meta({ id: 'Statement' });
export type Statement = z.infer<typeof statementSchema>;

export const counterPaymentRequestSchema = z.strictObject({ method: counterMethodSchema, amountFen: positiveFen }).meta({ id: 'CounterPaymentRequest' });
export type CounterPaymentRequest = z.infer<typeof counterPaymentRequestSchema>;

export const tillSchema = z
  .object({
    id: z.uuid(),
    staffId: z.uuid(),
    staffName: z.string(),
    businessDate: z.iso.date(),
    openedAt: z.iso.datetime(),
    closedAt: z.iso.datetime().nullable(),
    payments: z.int(),
    expected: methodTotalsSchema,
    counted: methodTotalsSchema.nullable(),
  })
  .meta({ id: 'Till' });
export type Till = z.infer<typeof tillSchema>;

export const tillCloseSchema = z.strictObject({ counted: methodTotalsSchema }).meta({ id: 'TillClose' });
export type TillClose = z.infer<typeof tillCloseSchema>;

export const openBillSchema = z.object({ billId: z.uuid(), billNo: z.string(), period: z.string(), openFen: fen }).meta({ id: 'OpenBill' });

export const accountMoneySchema = z
  .object({
    accountId: z.uuid(),
    balanceFen: fen.meta({ description: 'Owed (positive) or in credit (negative) today: open bills and late fees (brought up to date) less prepaid' }),
    prepaidFen: fen,
    lateFeeFen: fen.meta({ description: 'Late fees (滞纳金) owed today, brought up to date: settled after the principal of every open bill' }),
    openBills: z.array(openBillSchema).meta({ description: 'Bills with something left to pay, oldest first' }),
  })
  .meta({ id: 'AccountMoney' });
export type AccountMoney = z.infer<typeof accountMoneySchema>;

export const newPaymentOrderSchema = z
  .strictObject({
    accountId: z.uuid(),
    channel: onlineChannelSchema,
    billIds: z.array(z.uuid()).max(60).optional().meta({ description: 'Bills to pay; they must be the oldest open ones (payments settle the oldest first). All of them: the late fees owed today are added; none ([]): only the late fees' }),
    topupFen: positiveFen.optional().meta({ description: 'A prepaid top-up instead of bills' }),
    tradeType: z
      .enum(['h5', 'jsapi'])
      .optional()
      .meta({ description: "WeChat Pay only. jsapi: inside the WeChat browser, for the payer's openid (bound through /api/portal/wechat/authorization); h5 (default): any other mobile browser" }),
  })
  .meta({ id: 'NewPaymentOrder' });
export type NewPaymentOrder = z.infer<typeof newPaymentOrderSchema>;

export const paymentOrderSchema = z
  .object({
    id: z.uuid(),
    outTradeNo: z.string(),
    channel: onlineChannelSchema,
    accountId: z.uuid(),
    purpose: z.enum(['bills', 'topup']),
    amountFen: fen,
    status: z.enum(['created', 'paid', 'closed']),
    payUrl: z.string().nullable().meta({ description: 'Where the browser goes to pay (H5 / WAP); null for a JSAPI order' }),
    jsapi: z
      .object({
        appId: z.string(),
        timeStamp: z.string(),
        nonceStr: z.string(),
        package: z.string().meta({ description: 'prepay_id=…' }),
        signType: z.literal('RSA'),
        paySign: z.string().meta({ description: 'RSA-SHA256 with the merchant key over "appId\\ntimeStamp\\nnonceStr\\npackage\\n", base64' }),
        simulatedBridgeUrl: z.string().nullable().meta({ description: "Demo only: a script defining WeixinJSBridge (the payment simulator's pay sheet) for a page outside the real WeChat client" }),
      })
      .nullable()
      .meta({ description: "A JSAPI order's parameters for WeixinJSBridge.invoke('getBrandWCPayRequest', …), in the answer that places it; null otherwise" }),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    paidAt: z.iso.datetime().nullable(),
    receipt: receiptSchema.nullable(),
  })
  .meta({ id: 'PaymentOrder' });
export type PaymentOrder = z.infer<typeof paymentOrderSchema>;
