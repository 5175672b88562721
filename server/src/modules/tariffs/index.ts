export { loadTariffBook, type TariffBook } from './book';
export { tariffDefinitionSchema, type TariffDefinition } from './definition';
export { seedDemoTariffs } from './demo';
export { computeCharges, noTariffInEffect, type ChargeInput, type ChargeLine, type ChargeResult, type TariffVersion } from './engine';
export { registerTariffRoutes } from './routes';
export type { AccountClass } from './schemas';
export {
  categoryChangesAfter,
  categorySpans,
  changeAccountCategory,
  changesFromJson,
  versionsForSpans,
  type AccountCategory,
  type CategoryChange,
  type CategoryChangeRow,
  type CategorySpan,
} from './account-categories';
