export { registerMeterRoutes } from './routes';
export { METER_SIZES, meterSchema, type Meter, type NewMeter } from './schemas';
export { createMeter, findMetersAtPremises, getMeter, insertMeter, updateMeter } from './service';
export { verificationDueOn, verificationIntervalYears } from './verification';
