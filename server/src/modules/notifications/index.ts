export { dispatchQueued, enqueueSms, enqueueWechatMessage, listOutbox, retryOutboxMessage, type OutboxMessage, type QueuedSms, type QueuedWechatMessage } from './outbox';
export { registerNotificationRoutes } from './routes';
export { LocalOutboxSmsGateway, type SmsGateway, type SmsMessage } from './sms';
export {
  createWechatOfficialAccountClient,
  WECHAT_API_BASE_URL,
  WECHAT_ERRORS,
  WECHAT_OAUTH_BASE_URL,
  WechatApiError,
  type TemplateMessage,
  type WechatOfficialAccountClient,
  type WechatOfficialAccountConfig,
  type WechatTemplateIds,
} from './wechat-official-account';
export {
  registerWechatOfficialAccountSimulator,
  startWechatOfficialAccountSimulator,
  WechatOfficialAccountSimulator,
  type SentTemplateMessage,
  type WechatOfficialAccountSimulatorOptions,
} from './wechat-official-account-simulator';
