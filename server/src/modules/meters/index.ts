export { registerMeterRoutes } from './routes';
export { METER_SIZES, meterSchema, type Meter, type NewMeter } from './schemas';
export { createMeter, findMetersAtPremises, getMeter, insertMeter, installedMeterAt, recordCalibrationTest, removeMeter, updateMeter } from './service';
export { CALIBRATION_TOLERANCE, isWithinTolerance, verificationDueOn, verificationIntervalYears } from './verification';
