export { registerServiceRoutes } from './routes';
export { escalateOverdue } from './requests';
// For the Open311 and city 12345 channels (modules open311, city12345): requests made through this module.
export { createRequest, listCategories } from './requests';
export { stateName, type RequestKind, type RequestState } from './states';
// Working-time arithmetic (工作日历) for other modules' time limits (applications).
export { addTime, calendarFromSettings, isWorkingDay, type WorkingCalendar } from './calendar';
export type { NewServiceRequest, ServiceCategory } from './schemas';
// The demo's standard answers (knowledge base).
export { DEMO_KNOWLEDGE, seedKnowledge } from './knowledge';
// The demo's service history (demo/service-history.ts) plays requests through the real steps and follow-ups.
export { takeStep } from './requests';
export { recordPhoneResult } from './followups';
