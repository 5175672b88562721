export { registerBillRoutes } from './routes';
export { BILL_LINE_COLUMNS, billLineRow, insertBillLines, type NewBillLine } from './rows';
export { addMonths, standingsOf } from './service';
export { formatCubicMetres, formatYuan } from './format';
export { chargeServiceFee } from './adjustments';
export { correctedForMeterError, rebillForMeterError, rebillInTransaction } from './rebill';
