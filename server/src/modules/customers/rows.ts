import { maskPhone } from '../../platform/masking';
import type { Account, Contact, Customer, Premise } from './schemas';

/** Row shapes of this module's tables and their conversion to the API's objects (never raw rows out). */
export interface CustomerRow {
  id: string;
  customer_no: string;
  kind: Customer['kind'];
  name: string;
  phone: string | null;
  id_type: Customer['idType'];
  id_number_masked: string | null;
  email: string | null;
  is_important: boolean;
  important_note: string | null;
  is_special_care: boolean;
  special_care_note: string | null;
  notes: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}
export const CUSTOMER_COLUMNS =
  'id, customer_no, kind, name, phone, id_type, id_number_masked, email, is_important, important_note, is_special_care, special_care_note, notes, version, created_at, updated_at';

export const toCustomer = (row: CustomerRow): Customer => ({
  id: row.id,
  customerNo: row.customer_no,
  kind: row.kind,
  name: row.name,
  phoneMasked: maskPhone(row.phone),
  idType: row.id_type,
  idNumberMasked: row.id_number_masked,
  email: row.email,
  isImportant: row.is_important,
  importantNote: row.important_note,
  isSpecialCare: row.is_special_care,
  specialCareNote: row.special_care_note,
  notes: row.notes,
  version: row.version,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

export interface ContactRow {
  id: string;
  customer_id: string;
  name: string;
  relation: string;
  phone: string;
  is_primary: boolean;
}
export const CONTACT_COLUMNS = 'id, customer_id, name, relation, phone, is_primary';
export const toContact = (row: ContactRow): Contact => ({
  id: row.id,
  customerId: row.customer_id,
  name: row.name,
  relation: row.relation,
  phoneMasked: maskPhone(row.phone) ?? '',
  isPrimary: row.is_primary,
});

export interface PremiseRow {
  id: string;
  district: string;
  street: string;
  address: string;
  full_address: string;
  building_type: Premise['buildingType'];
  latitude_e6: number | null;
  longitude_e6: number | null;
  version: number;
}
export const PREMISE_COLUMNS = 'id, district, street, address, full_address, building_type, latitude_e6, longitude_e6, version';
// Coordinates are kept as integer micro-degrees: exact, and about 0.1 m of precision.
export const toPremise = (row: PremiseRow): Premise => ({
  id: row.id,
  district: row.district,
  street: row.street,
  address: row.address,
  fullAddress: row.full_address,
  buildingType: row.building_type,
  latitude: row.latitude_e6 === null ? null : row.latitude_e6 / 1e6,
  longitude: row.longitude_e6 === null ? null : row.longitude_e6 / 1e6,
  version: row.version,
});
export const toMicroDegrees = (value: number | null | undefined): number | null =>
  value === null || value === undefined ? null : Math.round(value * 1e6);

export interface AccountRow {
  id: string;
  account_no: string;
  customer_id: string;
  premise_id: string;
  category: Account['category'];
  status: Account['status'];
  household_size: number;
  opened_on: string;
  service_hall_id: string | null;
  full_address: string;
  version: number;
}
export const ACCOUNT_COLUMNS =
  'a.id, a.account_no, a.customer_id, a.premise_id, a.category, a.status, a.household_size, a.opened_on, a.service_hall_id, p.full_address, a.version';
export const toAccount = (row: AccountRow): Account => ({
  id: row.id,
  accountNo: row.account_no,
  customerId: row.customer_id,
  premiseId: row.premise_id,
  category: row.category,
  status: row.status,
  householdSize: row.household_size,
  openedOn: row.opened_on,
  serviceHallId: row.service_hall_id,
  fullAddress: row.full_address,
  version: row.version,
});

