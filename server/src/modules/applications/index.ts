export { registerApplicationRoutes } from './routes';
export { DEFAULT_APPLICATION_TYPES } from './defaults';
export { addWorkingDays, ensureApplicationTypes, listApplicationTypes, publicProcesses } from './catalogue';
export { addDocument, advanceApplication, claimApplication, returnOrReject, submitApplication, type Worker } from './workflow';
export { DEFAULT_FIRST_READING_DAYS, firstReadingDaysOf, updateProcessSettings } from './process-settings';
export type { ApplicationDetail, ApplicationSummary, ApplicationType } from './schemas';
