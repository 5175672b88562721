export { accountBalanceFen, checkJournal, ENTRY_TYPES, LEDGER_ACCOUNTS, postJournals, postJournalsBulk, type EntryType, type Journal, type LedgerAccount, type Leg } from './journal';
