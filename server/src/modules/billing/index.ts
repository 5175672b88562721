export { billRunCommand, formatYuan, printSummary } from './cli';
export { BILL_DUE_DAYS } from './chunk';
export { billAccounts, billingJournal, LEDGER_ACCOUNT_OF_LINE, periodRange } from './compute';
export { registerBillingRoutes } from './routes';
export { createBillingRun, DEFAULT_CHUNK_SIZE, EMBEDDED_CHUNK_SIZE, getBillingRun, listBillingRuns } from './runs';
export type { BillingRun, BillingRunSummary, NewBillingRun, SkipReason } from './schemas';
export { startBillingWorker, workBillingRun, workPendingBillingRuns, type BillingWorker, type BillingWorkerOptions } from './worker';
export { billedThrough, issueFinalBill, type FinalBill } from './final-bill';
