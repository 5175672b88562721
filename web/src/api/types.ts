/**
 * Shapes of the API's requests and responses as the front ends use them. They mirror the server's zod
 * schemas (the OpenAPI document at /api/openapi.json is the authority); a server test checks that the
 * documented schemas keep every field named here.
 */

export interface ApiErrorBody {
  code: string;
  message: { zh: string; en: string };
  fields: { field: string; zh: string; en: string }[];
}

export type Role =
  | 'admin'
  | 'counter_clerk'
  | 'hotline_agent'
  | 'dispatcher'
  | 'repair_crew'
  | 'meter_reader'
  | 'reading_supervisor'
  | 'collector'
  | 'billing_clerk'
  | 'connection_staff'
  | 'manager'
  | 'auditor';

export type Permission =
  | 'customer.read'
  | 'customer.write'
  | 'customer.reveal'
  | 'account.write'
  | 'premise.write'
  | 'meter.write'
  | 'audit.read'
  | 'outbox.read'
  | 'staff.read'
  | 'staff.manage'
  | 'tariff.read'
  | 'tariff.write'
  | 'route.read'
  | 'route.manage'
  | 'reading.read'
  | 'reading.write'
  | 'reading.review'
  | 'reading.import'
  | 'billing.run'
  | 'bill.read'
  | 'bill.adjust'
  | 'report.read';

export interface TenantSummary {
  code: string;
  name: string;
  nameEn: string;
  hotline: string | null;
}

// ---- staff identity ----
export interface StaffLoginRequest {
  tenant: string;
  username: string;
  password: string;
}
export interface StaffMe {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  permissions: Permission[];
}
export interface StaffSessionResponse {
  staff: StaffMe;
  tenant: TenantSummary;
  csrfToken: string;
}

// ---- customers ----
export type CustomerKind = 'individual' | 'organisation';
export type IdType = 'resident_id' | 'passport' | 'business_licence' | 'other';
export type AccountCategory = 'residential' | 'non_residential' | 'special';
export type AccountStatus = 'active' | 'suspended' | 'closed';
export type BuildingType = 'residential' | 'commercial' | 'industrial' | 'public' | 'unmanaged';
export type MeterStatus = 'in_stock' | 'installed' | 'removed' | 'scrapped';

export interface SearchResult {
  customerId: string;
  customerNo: string;
  name: string;
  kind: CustomerKind;
  phoneMasked: string | null;
  isImportant: boolean;
  isSpecialCare: boolean;
  matchedOn: 'account_no' | 'name' | 'phone' | 'id_number' | 'address' | 'customer_no';
  accounts: { id: string; accountNo: string; status: AccountStatus; category: AccountCategory; address: string }[];
}
export interface SearchResponse {
  results: SearchResult[];
  tookMs: number;
}

export interface Customer {
  id: string;
  customerNo: string;
  kind: CustomerKind;
  name: string;
  phoneMasked: string | null;
  idType: IdType | null;
  idNumberMasked: string | null;
  email: string | null;
  isImportant: boolean;
  importantNote: string | null;
  isSpecialCare: boolean;
  specialCareNote: string | null;
  notes: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}
/** POST /api/customers; PATCH /api/customers/:id takes any subset plus the `version` it was read at. */
export interface CustomerInput {
  kind: CustomerKind;
  name: string;
  phone?: string | null;
  idType?: IdType | null;
  idNumber?: string | null;
  email?: string | null;
  isImportant?: boolean;
  importantNote?: string | null;
  isSpecialCare?: boolean;
  specialCareNote?: string | null;
  notes?: string | null;
}

export interface Contact {
  id: string;
  customerId: string;
  name: string;
  relation: string;
  phoneMasked: string;
  isPrimary: boolean;
}
export interface ContactInput {
  name: string;
  relation: string;
  phone: string;
  isPrimary?: boolean;
}

export interface Premise {
  id: string;
  district: string;
  street: string;
  address: string;
  fullAddress: string;
  buildingType: BuildingType;
  latitude: number | null;
  longitude: number | null;
  version: number;
}
export interface PremiseInput {
  district: string;
  street: string;
  address: string;
  buildingType?: BuildingType;
  latitude?: number | null;
  longitude?: number | null;
}

export interface Account {
  id: string;
  accountNo: string;
  customerId: string;
  premiseId: string;
  category: AccountCategory;
  status: AccountStatus;
  householdSize: number;
  openedOn: string;
  serviceHallId: string | null;
  fullAddress: string;
  version: number;
}
export interface AccountInput {
  customerId: string;
  premiseId: string;
  category: AccountCategory;
  householdSize?: number;
  openedOn?: string;
  serviceHallId?: string | null;
}

export interface Meter {
  id: string;
  serialNo: string;
  premiseId: string | null;
  model: string;
  sizeDn: number;
  isRemote: boolean;
  status: MeterStatus;
  installedOn: string | null;
  firstVerifiedOn: string | null;
  /** Date by which the meter must be replaced or re-verified (JJG 162-2019), null when not installed. */
  verificationDueOn: string | null;
  initialReadingLitres: number;
  version: number;
}
export interface MeterInput {
  serialNo: string;
  premiseId?: string | null;
  model: string;
  sizeDn: number;
  isRemote?: boolean;
  status?: MeterStatus;
  installedOn?: string | null;
  firstVerifiedOn?: string | null;
  initialReadingLitres?: number;
}

export interface HistoryEntry {
  seq: number;
  occurredAt: string;
  actorName: string;
  action: string;
  objectType: string;
  objectId: string;
}

/** GET /api/customers/:id — the customer 360. */
export interface Customer360 {
  customer: Customer;
  accounts: Account[];
  premises: Premise[];
  meters: Meter[];
  contacts: Contact[];
  history: HistoryEntry[];
}

export interface RevealResponse {
  field: 'phone' | 'idNumber';
  value: string | null;
}

export interface ServiceHall {
  id: string;
  name: string;
  address: string;
  phone: string | null;
  openingHours: string;
  isGovernmentCentre: boolean;
}

export interface District {
  name: string;
  streets: string[];
}

// ---- audit & outbox ----
export interface AuditEntry {
  seq: number;
  occurredAt: string;
  actorType: 'staff' | 'portal_user' | 'system';
  actorName: string;
  action: string;
  objectType: string;
  objectId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string | null;
  hash: string;
}
export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` to get the next (older) page; null at the end. */
  nextBefore: number | null;
}
export interface AuditVerification {
  entries: number;
  isIntact: boolean;
  firstBrokenSeq: number | null;
}

export interface OutboxMessage {
  id: string;
  channel: 'sms';
  recipientMasked: string;
  template: string;
  body: string;
  status: 'queued' | 'sent' | 'delivered' | 'failed';
  provider: string | null;
  createdAt: string;
  sentAt: string | null;
}
export interface OutboxPage {
  messages: OutboxMessage[];
  nextBefore: string | null;
}

// ---- portal ----
export interface OtpRequest {
  tenant: string;
  phone: string;
}
export interface OtpResponse {
  resendAfterSeconds: number;
  expiresInSeconds: number;
}
export interface PortalLoginRequest {
  tenant: string;
  phone: string;
  code: string;
}
export interface PortalSessionResponse {
  user: { phoneMasked: string };
  tenant: TenantSummary;
  csrfToken: string;
}
export interface PortalAccount {
  id: string;
  accountNo: string;
  holderNameMasked: string;
  fullAddress: string;
  category: AccountCategory;
  status: AccountStatus;
  householdSize: number;
  openedOn: string;
  meters: { serialNo: string; sizeDn: number; isRemote: boolean; installedOn: string | null }[];
  boundAt: string;
}
export interface BindingRequest {
  accountNo: string;
  holderName: string;
}
