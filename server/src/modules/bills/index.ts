export { registerBillRoutes } from './routes';
export { addMonths, standingsOf } from './service';
export { formatCubicMetres, formatYuan } from './format';
export { chargeServiceFee } from './adjustments';
export { correctedForMeterError, rebillForMeterError, rebillInTransaction } from './rebill';
