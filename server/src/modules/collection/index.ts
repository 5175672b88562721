export { registerCollectionRoutes } from './routes';
export { runDailyCollection, collectForDay, type CollectionRunSummary } from './daily';
export { addDays, assessBeforePayment, assessLateFees, lateFeesDueFen, lateFeesHeldThrough, lateFeesOwedFen, waiveDaysAwaitingPayment } from './late-fees';
export { addNote, afterArrearsChange, completeCutoffOrder, completeReconnectionOrder, issueCutoffOrder, openDispute } from './orders';
