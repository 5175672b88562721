export { registerPaymentRoutes } from './routes';
export { registerOnlinePaymentRoutes } from './online-routes';
export { deductPrepaid, recordPayment, settleFromPrepaid, PAYMENT_METHODS, type PaymentMethod } from './settlement';
export { configuredGateways, createSandboxCredentials, notifyPath, simulatorGateways, SIMULATOR_PREFIX, type PaymentGateways } from './gateways';
export { creditOrder, sweepOpenOrders } from './orders';
export { registerPaymentSimulator, type PaymentSimulator, type SandboxCredentials } from './channels';
