export { registerCollectionRoutes } from './routes';
export { runDailyCollection, collectForDay, type CollectionRunSummary } from './daily';
export { accrueBeforePayment, assessLateFees, lateFeesOwedFen } from './late-fees';
export { afterArrearsChange } from './orders';
