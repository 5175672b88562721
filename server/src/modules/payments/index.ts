export { registerPaymentRoutes } from './routes';
export { deductPrepaid, recordPayment, settleFromPrepaid, PAYMENT_METHODS, type PaymentMethod } from './settlement';
