export { businessDate, findOrCreateHolder, insertAccount, newAccountNo, openAccount, setAccountClosure, transferAccountHolder } from './accounts';
export { createCustomer, insertCustomer } from './customers';
export { isAccountBound } from './portal';
export { insertPremise } from './premises';
export { registerCustomerRoutes } from './routes';
export type { Account, Customer, NewCustomer, NewPremise, Premise } from './schemas';
export { searchCustomers } from './search';
