export { registerAppointmentRoutes } from './routes';
// For the serve loop and `shuiwu worker`: the day-before reminders (call it every minute per utility).
export { sendAppointmentReminders } from './reminders';
// For the demo seed (server/src/demo/seed.ts).
export { seedDemoAppointments } from './seed';
export { BUSINESSES, BUSINESS_NAMES, type Appointment, type Business, type Location as AppointmentLocation } from './schemas';
