export { registerApplicationRoutes } from './routes';
export { DEFAULT_APPLICATION_TYPES } from './defaults';
export { addWorkingDays, ensureApplicationTypes, listApplicationTypes, publicProcesses } from './catalogue';
export type { ApplicationDetail, ApplicationSummary, ApplicationType } from './schemas';
