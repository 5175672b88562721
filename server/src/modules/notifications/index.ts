export { dispatchQueued, enqueueSms, listOutbox, type QueuedSms } from './outbox';
export { registerNotificationRoutes } from './routes';
export { LocalOutboxSmsGateway, type SmsGateway, type SmsMessage } from './sms';
