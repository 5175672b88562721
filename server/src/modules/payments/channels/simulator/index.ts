export { alipayStatementZip, wechatPayTradeBill, ALIPAY_STATEMENT_DETAIL_HEADER, WECHATPAY_TRADE_BILL_HEADER } from './bills';
export { createSandboxCredentials, sandboxAlipayConfig, sandboxOfficialAccount, sandboxWechatPayConfig, type SandboxCredentials } from './credentials';
export {
  ALIPAY_NOTIFICATION_VARIANTS,
  ALIPAY_RETRY_SCHEDULE_MS,
  buildAlipayNotification,
  buildWechatPayNotification,
  WECHATPAY_NOTIFICATION_VARIANTS,
  WECHATPAY_RETRY_SCHEDULE_MS,
  type AlipayNotificationVariant,
  type BuiltNotification,
  type WechatPayNotificationVariant,
} from './notifications';
export {
  alipayNotificationParams,
  wechatPayRefundJson,
  wechatPayTransactionJson,
  type SimulatedAlipayOrder,
  type SimulatedAlipayRefund,
  type SimulatedOrder,
  type SimulatedWechatPayOrder,
  type SimulatedWechatPayRefund,
} from './orders';
export {
  PaymentSimulator,
  registerPaymentSimulator,
  startPaymentSimulator,
  wechatPaySimulatorPageUrl,
  type DeliveryAction,
  type DeliveryAttempt,
  type DeliveryInterceptor,
  type AlipayRefundFault,
  type NotificationDelivery,
  type NotificationVariant,
  type PaymentSimulatorOptions,
  type RunningPaymentSimulator,
} from './simulator';
