export { registerServiceRoutes } from './routes';
export { escalateOverdue } from './requests';
