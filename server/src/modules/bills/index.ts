export { registerBillRoutes } from './routes';
export { addMonths, standingsOf } from './service';
export { formatCubicMetres, formatYuan } from './format';
