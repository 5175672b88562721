export { registerBillRoutes } from './routes';
export { addMonths } from './service';
export { formatCubicMetres, formatYuan } from './format';
