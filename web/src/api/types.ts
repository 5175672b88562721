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
  | 'auditor'
  | 'finance_clerk';

export type Permission =
  | 'customer.read'
  | 'customer.write'
  | 'customer.reveal'
  | 'account.write'
  | 'premise.write'
  | 'meter.write'
  | 'audit.read'
  | 'outbox.read'
  | 'outbox.retry'
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
  | 'report.read'
  | 'settings.manage'
  | 'payment.read'
  | 'payment.take'
  | 'payment.refund'
  | 'payment.reconcile'
  | 'payment.reverse'
  | 'service.read'
  | 'service.create'
  | 'service.handle'
  | 'service.dispatch'
  | 'service.field'
  | 'service.supervise'
  | 'knowledge.manage'
  | 'withholding.manage'
  | 'collection.work'
  | 'collection.manage'
  | 'collection.override'
  | 'application.read'
  | 'application.create'
  | 'application.work'
  | 'appointment.read'
  | 'appointment.book'
  | 'appointment.manage';

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

export type OutboxChannel = 'sms' | 'wechat';
export type OutboxStatus = 'queued' | 'sent' | 'delivered' | 'failed';
export interface OutboxMessage {
  id: string;
  channel: OutboxChannel;
  recipientMasked: string;
  template: string;
  body: string;
  status: OutboxStatus;
  provider: string | null;
  /** Hand-overs to the channel so far (given up after five). */
  attempts: number;
  /** Why the last attempt failed (WeChat: errcode and errmsg). */
  lastError: string | null;
  /** The SMS sent in place of a WeChat message WeChat could not deliver. */
  fallbackOutboxId: string | null;
  fallback: { id: string; recipientMasked: string; status: OutboxStatus } | null;
  /** On an SMS: the WeChat message it stands in for. */
  replacesOutboxId: string | null;
  /** A failed message staff with outbox.retry may queue again. */
  isRetryable: boolean;
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

// ---- billing runs (核算) ----
export type BillingRunStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
export type BillLineType = 'water' | 'sewage' | 'resource' | 'fixed' | 'over_quota' | 'adjustment';
export type SkipReason =
  | 'already_billed'
  | 'no_reading'
  | 'account_closed'
  | 'account_suspended'
  | 'no_water_category'
  | 'no_tariff'
  | 'tariff_error'
  | 'account_missing';
export interface BillingRunSummary {
  accounts: number;
  bills: number;
  totalFen: number;
  consumptionLitres: number;
  byLineType: { lineType: BillLineType; lines: number; amountFen: number }[];
  skipped: { reason: SkipReason; accounts: number }[];
  failedChunks: number;
}
export interface BillingRun {
  id: string;
  period: string;
  routeIds: string[];
  status: BillingRunStatus;
  accounts: number;
  totalChunks: number;
  doneChunks: number;
  /** 0–1. */
  progress: number;
  summary: BillingRunSummary;
  startedBy: string;
  createdAt: string;
  finishedAt: string | null;
}
/** POST /api/billing-runs; routeIds left out bills all active routes. */
export interface BillingRunRequest {
  period: string;
  routeIds?: string[];
}
export interface SkippedAccount {
  accountId: string;
  accountNo: string;
  reason: SkipReason;
}

// ---- bills, credit and debit notes, usage (账单) ----
export type BillKind = 'regular' | 'credit_note' | 'debit_note';
export type AdjustmentReason = 'wrong_reading' | 'calibration' | 'tariff_error' | 'other';
export type BillStatus = 'paid' | 'partially_paid' | 'unpaid' | 'overdue' | 'credited';
/** Money in fen and water in litres, always integers; a credit note's amounts are negative (红字). */
export interface Bill {
  id: string;
  billNo: string;
  kind: BillKind;
  accountId: string;
  accountNo: string;
  period: string;
  periodStart: string;
  periodEnd: string;
  adjustsBillId: string | null;
  adjustsBillNo: string | null;
  reason: AdjustmentReason | null;
  note: string | null;
  consumptionLitres: number;
  isEstimated: boolean;
  totalFen: number;
  issuedOn: string;
  dueOn: string;
  createdAt: string;
  netTotalFen: number | null;
  outstandingFen: number | null;
  status: BillStatus | null;
}
export interface BillLine {
  lineNo: number;
  lineType: BillLineType;
  tier: number | null;
  quantityLitres: number | null;
  unitPriceFenPerM3: number | null;
  amountFen: number;
  description: string;
}
export type BillNote = Bill & { lines: BillLine[] };
export interface BillAccount {
  id: string;
  accountNo: string;
  holderNameMasked: string;
  fullAddress: string;
  district: string;
  category: AccountCategory;
  householdSize: number;
}
export interface MeterReadings {
  meterSerialNo: string | null;
  previousOn: string | null;
  previousLitres: number | null;
  currentOn: string | null;
  currentLitres: number | null;
}
export interface BillDetail {
  bill: Bill;
  lines: BillLine[];
  notes: BillNote[];
  original: Bill | null;
  account: BillAccount;
  readings: MeterReadings | null;
  remainingFen: number;
  balanceFen: number;
}
export interface BillPage {
  bills: Bill[];
  total: number;
  page: number;
  pageSize: number;
  balanceFen: number;
}
export interface UsagePoint {
  period: string;
  consumptionLitres: number | null;
  isEstimated: boolean;
}
export interface UsageSeries {
  accountId: string;
  months: number;
  points: UsagePoint[];
}
/** POST /api/bills/:id/adjustments: an amount, or itemised lines (descriptions and amounts). */
export interface AdjustmentRequest {
  kind: 'credit_note' | 'debit_note';
  reason: AdjustmentReason;
  note: string;
  amountFen?: number;
  lines?: { description: string; amountFen: number }[];
}
/** POST /api/bills/:id/rebill. */
export interface RebillRequest {
  correctConsumptionLitres: number;
  reason: AdjustmentReason;
  note?: string;
}
export interface AdjustmentResult {
  notes: BillNote[];
  remainingFen: number;
  balanceFen: number;
}

// ---- reports ----
export interface ZeroUseMeter {
  serialNo: string;
  installedOn: string | null;
}
export interface ZeroUseAccount {
  accountId: string;
  accountNo: string;
  customerId: string;
  customerName: string;
  fullAddress: string;
  district: string;
  accountStatus: AccountStatus;
  category: AccountCategory;
  openedOn: string;
  meters: ZeroUseMeter[];
  lastUsePeriod: string | null;
  /** No use in each period looked at (false: listed only as a new connection waiting for its first reading). */
  isZeroUse: boolean;
  /** The new-connection application (报装) that opened the account, if one did. */
  newConnection: {
    applicationId: string;
    applicationNo: string;
    status: 'in_progress' | 'returned' | 'completed' | 'rejected';
    stage: { code: string; name: string; nameEn: string } | null;
    submittedOn: string;
    finishedOn: string | null;
  } | null;
  firstReadOn: string | null;
  firstReadingDueOn: string | null;
  isFirstReadingOverdue: boolean;
}
export interface ZeroConsumptionReport {
  periods: string[];
  /** Days after opening within which a new connection must be read (process settings). */
  firstReadingDays: number;
  today: string;
  rows: ZeroUseAccount[];
  total: number;
  page: number;
  pageSize: number;
}

// ---- tariffs (水价) ----
export type TierBasis = 'annual' | 'monthly' | 'flat';
export type SurchargeCode = 'sewage' | 'resource';
export interface TariffTier {
  /** Cumulative upper bound per year (annual) or month (monthly); null for the open last tier. */
  upToLitresPerYearOrMonth: number | null;
  waterPriceFenPerM3: number;
}
/** Stored with each tariff version; prices in fen per m³, volumes in litres. */
export interface TariffDefinition {
  tierBasis: TierBasis;
  tiers: TariffTier[];
  household: { baseSize: number; extraLitresPerPersonPerTier: number[] } | null;
  surcharges: { code: SurchargeCode; name: string; priceFenPerM3: number }[];
  fixedCharges: { code: string; name: string; fenPerMonth: number }[];
  quota: { litresPerMonth: number; steps: { overPercent: number; surchargeFenPerM3: number }[] } | null;
}
export interface TariffVersionSummary {
  id: string;
  version: number;
  effectiveFrom: string;
  /** First day no longer covered (exclusive), null while open. */
  effectiveTo: string | null;
}
export interface WaterCategory {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  accountClass: AccountCategory;
  isDefaultForClass: boolean;
  isActive: boolean;
  createdAt: string;
  currentVersion: TariffVersionSummary | null;
  nextVersion: TariffVersionSummary | null;
  versionCount: number;
}
export interface WaterCategoryInput {
  code: string;
  name: string;
  nameEn: string;
  accountClass: AccountCategory;
  isDefaultForClass?: boolean;
}
export type TariffVersionStatus = 'scheduled' | 'current' | 'superseded' | 'withdrawn';
export interface TariffVersion {
  id: string;
  waterCategoryId: string;
  version: number;
  effectiveFrom: string;
  effectiveTo: string | null;
  status: TariffVersionStatus;
  definition: TariffDefinition;
  note: string | null;
  createdBy: string;
  createdAt: string;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  withdrawalReason: string | null;
}
export interface TariffVersionInput {
  effectiveFrom: string;
  definition: TariffDefinition;
  note?: string | null;
}
export interface TariffHistory {
  category: WaterCategory;
  versions: TariffVersion[];
}
export interface ChargeLine {
  lineType: 'water' | 'sewage' | 'resource' | 'fixed' | 'over_quota';
  tier: number | null;
  quantityLitres: number | null;
  unitPriceFenPerM3: number | null;
  amountFen: number;
  tariffVersionId: string;
  description: string;
}
export interface TariffPreviewRequest {
  waterCategoryId: string;
  periodStart: string;
  periodEnd: string;
  consumptionLitres: number;
  householdSize: number;
  usedEarlierInTierYearLitres?: number;
}
export interface TariffPreview {
  category: { id: string; code: string; name: string; nameEn: string };
  periodStart: string;
  periodEnd: string;
  consumptionLitres: number;
  householdSize: number;
  usedEarlierInTierYearLitres: number;
  versions: TariffVersionSummary[];
  lines: ChargeLine[];
  totalFen: number;
}
export interface AccountWaterCategory {
  accountId: string;
  accountNo: string;
  accountClass: AccountCategory;
  waterCategoryId: string | null;
  effectiveWaterCategory: { id: string; code: string; name: string; nameEn: string } | null;
  version: number;
}

// ---- reading: routes (抄表本), readings, review, imports, self-reading ----
export type ReadingSource = 'handheld' | 'import' | 'api' | 'mqtt' | 'portal' | 'estimate';
export type ReadingStatus = 'accepted' | 'suspect' | 'rejected' | 'estimated' | 'unread';
export type ReadingAnomaly = 'decrease' | 'rollover' | 'zero_use' | 'spike' | 'stuck' | 'meter_not_installed' | 'estimate_overstated';
export type CannotReadReason = 'no_access' | 'meter_buried' | 'meter_broken' | 'other';
export interface PhotoUpload {
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  dataBase64: string;
}
export interface Reading {
  id: string;
  accountId: string;
  meterId: string;
  readOn: string;
  readAt: string;
  registerLitres: number | null;
  consumptionLitres: number | null;
  source: ReadingSource;
  status: ReadingStatus;
  anomalies: ReadingAnomaly[];
  cannotReadReason: CannotReadReason | null;
  note: string | null;
  hasPhoto: boolean;
  externalId: string | null;
  staffName: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
  createdAt: string;
}
export interface ExpectedRange {
  lowLitres: number;
  highLitres: number;
  averageDailyLitres: number;
}
export interface ReadingResult {
  reading: Reading;
  isDuplicate: boolean;
  expected: ExpectedRange | null;
}
export interface NewReadingRequest {
  accountId: string;
  meterId?: string;
  readOn?: string;
  registerM3?: string;
  cannotReadReason?: CannotReadReason;
  note?: string;
  photo?: PhotoUpload;
}
export interface ReviewItem {
  reading: Reading;
  accountNo: string;
  address: string;
  meterSerial: string;
  routeName: string | null;
  previousReadOn: string | null;
  previousRegisterLitres: number | null;
  expected: ExpectedRange | null;
}
export interface StaffMember {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  isActive: boolean;
  isLocked: boolean;
  lastLoginAt: string | null;
}
export interface StaffRef {
  id: string;
  displayName: string;
}
export interface RouteSummary {
  id: string;
  code: string;
  name: string;
  readingDay: number;
  serviceHallId: string | null;
  isActive: boolean;
  accounts: number;
  reader: StaffRef | null;
  collector: StaffRef | null;
  termStartedOn: string | null;
  termEndsOn: string | null;
  isDueForRotation: boolean;
  isOverdue: boolean;
}
export interface RouteAccount {
  walkOrder: number;
  accountId: string;
  accountNo: string;
  holderName: string;
  address: string;
  accountStatus: string;
  meterSerial: string | null;
}
export interface RouteAssignment {
  id: string;
  staffId: string;
  staffName: string;
  duty: 'reader' | 'collector';
  startsOn: string;
  endsOn: string | null;
}
export interface RouteDetail {
  route: RouteSummary;
  accounts: RouteAccount[];
  assignments: RouteAssignment[];
  termMonths: number;
}
export interface RotationProposal {
  route: RouteSummary;
  proposedReader: StaffRef | null;
  startsOn: string;
  reason: { zh: string; en: string };
}
export interface SheetItem {
  walkOrder: number;
  accountId: string;
  accountNo: string;
  holderName: string;
  address: string;
  meter: { id: string; serialNo: string; sizeDn: number; status: string } | null;
  last: { readOn: string; registerLitres: number; status: ReadingStatus } | null;
  expected: ExpectedRange | null;
  current: Reading | null;
}
export interface RouteSheet {
  route: RouteSummary;
  period: string;
  today: string;
  total: number;
  done: number;
  items: SheetItem[];
}
export interface MyRoute {
  route: RouteSummary;
  period: string;
  total: number;
  done: number;
}
export interface ImportRowError {
  row: number;
  field: string;
  zh: string;
  en: string;
}
export interface ReadingImportReport {
  fileName: string;
  rows: number;
  imported: number;
  duplicates: number;
  accepted: number;
  suspect: number;
  tookMs: number;
}
export interface ReadingImportRejection extends ApiErrorBody {
  rows: number;
  errors: ImportRowError[];
}
export interface ReadingDeadLetter {
  id: string;
  source: string;
  topic: string | null;
  payload: string;
  reason: string;
  receivedAt: string;
}
export interface PortalReading {
  readOn: string;
  registerLitres: number | null;
  consumptionLitres: number | null;
  status: ReadingStatus;
  source: ReadingSource;
}
export interface PortalReadings {
  accountId: string;
  meterSerial: string | null;
  readings: PortalReading[];
}
export interface PortalReadingResult {
  reading: PortalReading;
  isDuplicate: boolean;
  needsReview: boolean;
}

// ---- the utility's settings ----
export interface TenantSettings {
  version: number;
  updatedAt: string;
  updatedBy: string | null;
  reading: { rotationTermMonths: number; rotationNoticeDays: number };
  collection: {
    /** Per day, in 1/10,000 of the unpaid principal. */
    lateFeeDailyRate: number;
    lateFeeGraceDays: number;
    lateFeeCapPercent: number;
    lateFeeOnResidential: boolean;
    dunningScheduleDays: number[];
    cutoffNoticeHours: number;
    reconnectionHours: number;
    /** A withholding batch whose result file is not imported within this many days expires. */
    withholdingResultDays: number;
  };
  serviceDesk: {
    /** A missed call is to be called back within this many minutes. */
    callbackMinutes: number;
    /** Share of closed inquiries, praise and suggestions sampled for a follow-up visit (complaints and repairs always). */
    followUpInquiryPercent: number;
    followUpDueHours: number;
    /** The SMS rating link works this many hours, once. */
    ratingLinkHours: number;
  };
  calendar: CalendarSettings;
  /** Meter calibration tests (校表) a customer asks for. */
  calibration: {
    /** Fee for a test that finds the meter within tolerance, in fen (0 charges nothing). */
    testFeeFen: number;
    /** An out-of-tolerance meter re-bills the regular bills of this many months up to the test. */
    rebillMonths: number;
  };
}
/** The working calendar that working-time deadlines count in (dates YYYY-MM-DD, times HH:MM). */
export interface CalendarSettings {
  workingHours: { from: string; to: string }[];
  /** Public holidays and the days off of their arrangements (法定节假日). */
  holidays: string[];
  /** Adjusted working days (调休上班). */
  workdays: string[];
}

// ---- payments (收费 · 销账) ----
export type PaymentMethod = 'wechatpay' | 'alipay' | 'cash' | 'card' | 'transfer' | 'bank_withholding' | 'gov_app';
export type CounterMethod = 'cash' | 'card' | 'transfer';
export type OnlineChannel = 'wechatpay' | 'alipay';
export interface MethodTotals {
  cash: number;
  card: number;
  transfer: number;
}
export interface PaymentSummary {
  id: string;
  receiptNo: string;
  accountId: string;
  accountNo: string;
  method: PaymentMethod;
  methodName: { zh: string; en: string };
  amountFen: number;
  allocatedFen: number;
  prepaidFen: number;
  receivedAt: string;
  businessDate: string;
  cashier: string | null;
  channelTradeNo: string | null;
  /** Refunded of it so far. */
  refundedFen: number;
  /** Set when a supervisor reversed (冲正) it. */
  reversal: { reversedAt: string; reason: string; reversedBy: string } | null;
}
export interface Receipt extends PaymentSummary {
  holderName: string;
  address: string;
  settledBills: { billId: string; billNo: string; period: string; amountFen: number }[];
  /** What of the payment settled late fees, after the bills. */
  lateFeeFen: number;
  balanceAfterFen: number;
  utility: { name: string; hotline: string | null };
}
export interface OpenBill {
  billId: string;
  billNo: string;
  period: string;
  openFen: number;
}
export interface AccountMoney {
  accountId: string;
  /** Owed (positive) or in credit (negative) today: open bills and late fees less prepaid. */
  balanceFen: number;
  prepaidFen: number;
  /** Late fees (滞纳金) owed today, brought up to date; paid after the principal of every open bill. */
  lateFeeFen: number;
  /** Oldest first. */
  openBills: OpenBill[];
}
export interface StatementLine {
  journalId: string;
  entryType: string;
  businessDate: string;
  postedAt: string;
  description: string;
  billNo: string | null;
  changeFen: number;
  balanceFen: number;
}
export interface Statement {
  balanceFen: number;
  prepaidFen: number;
  lines: StatementLine[];
}
export interface Till {
  id: string;
  staffId: string;
  staffName: string;
  businessDate: string;
  openedAt: string;
  closedAt: string | null;
  payments: number;
  expected: MethodTotals;
  counted: MethodTotals | null;
}
/** A supervisor's reversal (冲正) of a payment recorded by mistake. */
export interface PaymentReversal {
  id: string;
  paymentId: string;
  receiptNo: string;
  accountId: string;
  accountNo: string;
  method: PaymentMethod;
  methodName: { zh: string; en: string };
  amountFen: number;
  reason: string;
  reversedBy: string;
  reversedAt: string;
  businessDate: string;
  cashier: string | null;
  /** The open till it came off, if any. */
  tillId: string | null;
}
/** GET /api/tills?date=: the day's tills and reversals. */
export interface TillDay {
  tills: Till[];
  reversals: PaymentReversal[];
}
export interface NewPaymentOrder {
  accountId: string;
  channel: OnlineChannel;
  billIds?: string[];
  topupFen?: number;
  /** WeChat Pay only: jsapi inside the WeChat browser (needs the openid), h5 elsewhere (default). */
  tradeType?: 'h5' | 'jsapi';
}
/** Parameters for WeixinJSBridge.invoke('getBrandWCPayRequest', …), signed by the server. */
export interface WechatJsapiParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
  /** Demo only: the payment simulator's stand-in for WeixinJSBridge. */
  simulatedBridgeUrl: string | null;
}
export interface PortalWechatStatus {
  isAvailable: boolean;
  isBound: boolean;
  openidMasked: string | null;
}
export interface PaymentOrder {
  id: string;
  outTradeNo: string;
  channel: OnlineChannel;
  accountId: string;
  purpose: 'bills' | 'topup';
  amountFen: number;
  status: 'created' | 'paid' | 'closed';
  payUrl: string | null;
  jsapi: WechatJsapiParams | null;
  createdAt: string;
  expiresAt: string;
  paidAt: string | null;
  receipt: Receipt | null;
}

// ---- finance: refunds, channel reconciliation (对账), bank withholding (银行代扣) ----
export type RefundStatus = 'processing' | 'succeeded' | 'failed';
export interface Refund {
  id: string;
  refundNo: string;
  paymentId: string;
  receiptNo: string;
  accountId: string;
  method: PaymentMethod;
  methodName: { zh: string; en: string };
  amountFen: number;
  reason: string;
  /** processing: the channel has not confirmed it yet (the money stays reserved). */
  status: RefundStatus;
  channelStatus: string | null;
  channelRefundNo: string | null;
  tillId: string | null;
  requestedBy: string;
  requestedAt: string;
  completedAt: string | null;
  failureReason: string | null;
}
export interface NewRefund {
  amountFen: number;
  reason: string;
  tillId?: string;
}

export type DifferenceType = 'missing_in_ledger' | 'missing_in_statement' | 'amount_mismatch' | 'duplicate_in_statement' | 'duplicate_in_ledger';
export type DifferenceResolution = 'credited' | 'written_off' | 'channel_error' | 'explained';
export interface ReconciliationSide {
  rows: number;
  paymentFen: number;
  refundFen: number;
}
export interface ReconciliationSummary {
  id: string;
  channel: OnlineChannel;
  statementDate: string;
  source: 'download' | 'import';
  /** False when the channel had no statement for the day. */
  hasStatement: boolean;
  fileName: string | null;
  fileSha256: string | null;
  statement: ReconciliationSide;
  ledger: ReconciliationSide;
  matched: ReconciliationSide;
  skippedLines: number;
  differenceCount: number;
  openDifferenceCount: number;
  counts: Record<DifferenceType, number>;
  createdBy: string;
  createdAt: string;
}
export interface ReconciliationDifference {
  id: string;
  seq: number;
  type: DifferenceType;
  kind: 'payment' | 'refund';
  outTradeNo: string;
  outRefundNo: string | null;
  statementLine: number | null;
  statementFen: number | null;
  ledgerFen: number | null;
  channelTradeNo: string | null;
  tradeTime: string | null;
  paymentId: string | null;
  refundId: string | null;
  description: { zh: string; en: string };
  /** A payment of a known order that the ledger lacks: may be resolved as credited. */
  canCredit: boolean;
  resolution: DifferenceResolution | null;
  note: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolutionPaymentId: string | null;
}
export interface Reconciliation {
  id: string;
  channel: OnlineChannel;
  statementDate: string;
  source: 'download' | 'import';
  hasStatement: boolean;
  fileName: string | null;
  fileSha256: string | null;
  statement: ReconciliationSide;
  ledger: ReconciliationSide;
  matched: ReconciliationSide;
  skippedLines: number;
  differenceCount: number;
  openDifferenceCount: number;
  counts: Record<DifferenceType, number>;
  createdBy: string;
  createdAt: string;
  differences: ReconciliationDifference[];
}

export type MandateStatus = 'active' | 'cancelled';
export interface WithholdingMandate {
  id: string;
  accountId: string;
  accountNo: string;
  bankCode: string;
  /** First and last four digits only; the full number only through the audited reveal. */
  bankAccountMasked: string;
  holderName: string;
  signedOn: string;
  status: MandateStatus;
  createdAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
}
export interface NewWithholdingMandate {
  accountId: string;
  bankCode: string;
  bankAccountNo: string;
  holderName: string;
  signedOn: string;
}
export type WithholdingBatchStatus = 'sent' | 'completed' | 'expired';
export interface WithholdingBatchSummary {
  id: string;
  batchNo: string;
  bankCode: string;
  adapterId: string;
  utilityCode: string;
  createdOn: string;
  status: WithholdingBatchStatus;
  itemCount: number;
  totalFen: number;
  successCount: number;
  successFen: number;
  failedCount: number;
  failedFen: number;
  createdAt: string;
  createdBy: string;
  resultImportedAt: string | null;
  expiredAt: string | null;
}
export type WithholdingItemStatus = 'sent' | 'succeeded' | 'failed' | 'expired';
export interface WithholdingBatchItem {
  sequence: number;
  mandateId: string;
  accountId: string;
  accountNo: string;
  holderName: string;
  bankAccountMasked: string;
  amountFen: number;
  billRef: string;
  status: WithholdingItemStatus;
  failureCode: string | null;
  failureReason: string | null;
  bankRef: string | null;
  settledOn: string | null;
  paymentId: string | null;
  receiptNo: string | null;
}
export interface WithholdingBatchDetail {
  id: string;
  batchNo: string;
  bankCode: string;
  adapterId: string;
  utilityCode: string;
  createdOn: string;
  status: WithholdingBatchStatus;
  itemCount: number;
  totalFen: number;
  successCount: number;
  successFen: number;
  failedCount: number;
  failedFen: number;
  createdAt: string;
  createdBy: string;
  resultImportedAt: string | null;
  expiredAt: string | null;
  items: WithholdingBatchItem[];
}
/** The batch is a WithholdingBatchDetail. */
export interface WithholdingResultImport {
  batch: WithholdingBatchDetail;
  applied: number;
  unchanged: number;
}

// ---- collection (催缴 · 欠费 · 停水 / 复水) ----
export type AgeBucket = '0_30' | '31_90' | '91_180' | 'over_180';
export type ArrearsAging = Record<AgeBucket, number>;
export interface ArrearsQuery {
  routeId?: string | undefined;
  minAgeDays?: number | undefined;
  minAmountFen?: number | undefined;
}
export interface ArrearsRouteRef {
  id: string;
  code: string;
  name: string;
}
export interface ArrearsAccount {
  accountId: string;
  accountNo: string;
  customerId: string;
  /** Masked for individuals. */
  holderName: string;
  phoneMasked: string | null;
  fullAddress: string;
  category: 'residential' | 'non_residential' | 'special';
  /** Principal still owed on bills plus late fees owed. */
  owedFen: number;
  principalFen: number;
  /** Principal owed on bills past their due date. */
  overdueFen: number;
  lateFeeFen: number;
  oldestDueOn: string | null;
  ageDays: number | null;
  bucket: AgeBucket | null;
  aging: ArrearsAging;
  route: ArrearsRouteRef | null;
  collector: { id: string; displayName: string } | null;
  isImportant: boolean;
  isSpecialCare: boolean;
  isDisputed: boolean;
  isCutOff: boolean;
}
export interface ArrearsRouteSummary {
  route: ArrearsRouteRef | null;
  accounts: number;
  owedFen: number;
  lateFeeFen: number;
  buckets: { bucket: AgeBucket; accounts: number; overdueFen: number }[];
}
export interface ArrearsReport {
  asOf: string;
  accounts: ArrearsAccount[];
  summary: ArrearsRouteSummary[];
  total: { accounts: number; owedFen: number; lateFeeFen: number };
}
export type NoticeChannel = 'sms' | 'wechat' | 'letter';
export interface DunningNotice {
  id: string;
  billId: string;
  billNo: string;
  accountId: string;
  accountNo: string;
  stepDays: number;
  kind: 'reminder' | 'cutoff_notice';
  channel: NoticeChannel;
  /** wechat notices wait for a WeChat gateway, which does not exist yet. */
  status: 'queued' | 'awaiting_gateway' | 'to_print';
  amountFen: number;
  body: string;
  businessDate: string;
  createdAt: string;
  holderName: string;
  fullAddress: string;
}
export type CollectionNoteKind = 'visit' | 'promise_to_pay' | 'note';
export interface CollectionNoteInput {
  kind: CollectionNoteKind;
  note: string;
  promisedOn?: string;
  promisedFen?: number;
}
export interface CollectionNote {
  id: string;
  kind: CollectionNoteKind;
  note: string;
  promisedOn: string | null;
  promisedFen: number | null;
  staffName: string;
  createdAt: string;
}
export interface BillDispute {
  id: string;
  billId: string;
  billNo: string;
  accountId: string;
  status: 'open' | 'closed';
  reason: string;
  openedBy: string;
  openedAt: string;
  resolution: string | null;
  closedBy: string | null;
  closedAt: string | null;
}
export interface CutoffInput {
  /** Cut off a protected household: needs collection.override and a reason. */
  override?: boolean;
  reason?: string;
}
export type CutoffStatus = 'issued' | 'done' | 'cancelled';
export interface CutoffOrder {
  id: string;
  accountId: string;
  accountNo: string;
  status: CutoffStatus;
  noticeId: string;
  owedFen: number;
  isOverride: boolean;
  overrideReason: string | null;
  issuedBy: string;
  issuedAt: string;
  doneBy: string | null;
  doneAt: string | null;
  cancelledBy: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
}
export interface ReconnectionOrder {
  id: string;
  cutoffOrderId: string;
  accountId: string;
  accountNo: string;
  status: 'due' | 'done';
  /** Still not done after its deadline. */
  isOverdue: boolean;
  createdAt: string;
  dueAt: string;
  doneBy: string | null;
  doneAt: string | null;
}
export interface LateFeeBill {
  billId: string;
  billNo: string;
  dueOn: string;
  accruedThrough: string;
  capBaseFen: number;
  /** Late fee charged on the bill so far. */
  postedFen: number;
}
export interface CollectionCase {
  accountId: string;
  accountNo: string;
  principalFen: number;
  overdueFen: number;
  lateFeeFen: number;
  isProtected: boolean;
  lateFees: LateFeeBill[];
  notices: DunningNotice[];
  notes: CollectionNote[];
  disputes: BillDispute[];
  cutoffOrders: CutoffOrder[];
  reconnectionOrders: ReconnectionOrder[];
}

// ---- service requests (工单: 报修、投诉、咨询) ----
export type ServiceRequestKind = 'inquiry' | 'complaint' | 'praise' | 'suggestion' | 'repair';
export type ServiceRequestState =
  | 'submitted'
  | 'accepted'
  | 'responded'
  | 'dispatched'
  | 'en_route'
  | 'arrived'
  | 'controlled'
  | 'restored'
  | 'closed'
  | 'cancelled';
export type ServiceChannel = 'portal' | 'hotline' | 'counter' | 'wechat' | 'city_12345' | 'open311';
/** The channels staff record a request from (the portal and Open311 create their own). */
export type StaffServiceChannel = Exclude<ServiceChannel, 'portal' | 'open311'>;
export type ServiceTimeLimit = 'accept' | 'respond' | 'close' | 'dispatch' | 'arrive' | 'control' | 'restore';
export type ServiceStep = 'accept' | 'respond' | 'dispatch' | 'reassign' | 'depart' | 'arrive' | 'control' | 'restore' | 'close' | 'cancel' | 'reopen';

export interface ServiceCategory {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  kind: ServiceRequestKind;
  timeBasis: 'clock' | 'working';
  /** Minutes per time limit. */
  limits: Record<string, number>;
  alertLevel: number;
  /** The department that handles it (dashboard figures per department). */
  department: ServiceDepartment;
  isActive: boolean;
}
/** A new request category (settings.manage): limits in minutes from the report, each at least the one before. */
export interface NewServiceCategory {
  code: string;
  name: string;
  nameEn: string;
  kind: ServiceRequestKind;
  timeBasis: 'clock' | 'working';
  limits: Record<string, number>;
  alertLevel: number;
  department: ServiceDepartment;
}
export type ServiceCategoryPatch = Partial<Pick<NewServiceCategory, 'name' | 'nameEn' | 'timeBasis' | 'limits' | 'alertLevel' | 'department'>> & { isActive?: boolean };
export interface NewServiceRequest {
  categoryId: string;
  channel: StaffServiceChannel;
  accountId?: string;
  premiseId?: string;
  address?: string;
  latitude?: number;
  longitude?: number;
  description: string;
  contactName?: string;
  contactPhone?: string;
  /** The agent saw the likely duplicates and this is not one (otherwise 409 possible_duplicate). */
  confirmNotDuplicate?: boolean;
  /** The call (call log) the request was taken on. */
  callId?: string;
  /** Published knowledge-base answers given on this request. */
  knowledgeArticleIds?: string[];
  /** Answered on the call: closed at once, marked first-contact resolution. */
  resolveAtFirstContact?: { answer: string };
}
export interface PortalNewServiceRequest {
  categoryId: string;
  accountId?: string;
  address?: string;
  latitude?: number;
  longitude?: number;
  description: string;
  contactName?: string;
  /** The customer confirmed it is not the problem already reported at this address. */
  confirmNotDuplicate?: boolean;
}
export interface ServiceDeadline {
  timeLimit: ServiceTimeLimit;
  dueAt: string;
  metAt: string | null;
  isOverdue: boolean;
  escalationLevel: number;
}
export interface ServiceRequest {
  id: string;
  requestNo: string;
  category: { id: string; code: string; name: string; nameEn: string };
  kind: ServiceRequestKind;
  channel: ServiceChannel;
  state: ServiceRequestState;
  /** The state in Chinese. */
  stateName: string;
  /** The state in English. */
  stateNameEn: string;
  accountId: string | null;
  customerId: string | null;
  premiseId: string | null;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  description: string;
  contactName: string | null;
  contactPhoneMasked: string | null;
  /** There is a number to call (the request's contact phone, else the customer's): the assigned crew member may reveal it. */
  hasContactPhone: boolean;
  alertLevel: number;
  assignee: { id: string; name: string } | null;
  createdAt: string;
  closedAt: string | null;
  /** Answered and closed on the first call (一次解决). */
  firstContactResolution: boolean;
  deadlines: ServiceDeadline[];
  nextDeadline: ServiceDeadline | null;
  version: number;
}
export interface ServiceEvent {
  /** A step, or 'submit' / 'escalate'. */
  step: string;
  fromState: string | null;
  toState: string | null;
  /** As recorded (staff: "name (username)"); to a customer only staff, customer or system. */
  actor: string;
  actorKind: 'staff' | 'customer' | 'system';
  /** A staff member's display name (null for a customer, the system, or to a customer). */
  actorName: string | null;
  /** The staff member's roles (empty to a customer). */
  actorRoles: Role[];
  at: string;
  note: string | null;
}
export interface ServiceRequestDetail extends ServiceRequest {
  events: ServiceEvent[];
  nextSteps: ServiceStep[];
  photos: ServicePhoto[];
  materials: ServiceMaterialUse[];
}
export interface ServiceStepRequest {
  /** Reassignment has its own route (ServiceReassignRequest). */
  step: Exclude<ServiceStep, 'reassign'>;
  version: number;
  note?: string;
  /** With dispatch: the crew member who takes the request. */
  assigneeStaffId?: string;
}
/** Gives a dispatched repair to another crew member until the crew is on site; no time limit moves. */
export interface ServiceReassignRequest {
  version: number;
  assigneeStaffId: string;
  reason: string;
}
export interface ServiceCrew {
  id: string;
  name: string;
  openRequests: number;
}
/** One area of the dispatcher's board: its open requests, most urgent first. */
export interface ServiceBoardArea {
  /** The district; null when unknown. */
  area: string | null;
  open: number;
  overdue: number;
  requests: ServiceRequest[];
}
export interface ServiceBoard {
  generatedAt: string;
  areas: ServiceBoardArea[];
  crews: ServiceCrew[];
}

// ---- the service desk (服务台: 知识库、来电记录、重复提示、回访、值班领导) ----
export type KnowledgeStatus = 'draft' | 'published' | 'archived';
export interface NewKnowledgeArticle {
  title: string;
  body: string;
  tags?: string[];
  keywords?: string[];
  publish?: boolean;
}
export interface KnowledgeArticle {
  id: string;
  status: KnowledgeStatus;
  /** The latest version saved. */
  version: number;
  /** The version agents see. */
  publishedVersion: number | null;
  hasUnpublishedChanges: boolean;
  title: string;
  body: string;
  tags: string[];
  keywords: string[];
  useCount: number;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  publishedAt: string | null;
}
export interface KnowledgeArticleDetail extends KnowledgeArticle {
  versions: { version: number; title: string; savedBy: string; savedAt: string; isPublished: boolean }[];
  published: { title: string; body: string; tags: string[]; keywords: string[] } | null;
}
export interface KnowledgeHit {
  id: string;
  version: number;
  title: string;
  body: string;
  tags: string[];
  snippet: string;
  score: number;
  useCount: number;
}
export interface KnowledgeSearch {
  hits: KnowledgeHit[];
  tags: { tag: string; count: number }[];
}
export type CallDirection = 'inbound' | 'outbound';
export type CallOutcome = 'answered' | 'missed' | 'call_back';
export type CallbackState = 'open' | 'done' | 'unreachable';
export interface NewServiceCall {
  direction: CallDirection;
  outcome: CallOutcome;
  number: string;
  startedAt?: string;
  answeredAt?: string;
  endedAt?: string;
  agentStaffId?: string;
  externalId?: string;
  note?: string;
  requestIds?: string[];
}
export interface ServiceCall {
  id: string;
  direction: CallDirection;
  outcome: CallOutcome;
  numberMasked: string;
  agent: { id: string; name: string } | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  waitSeconds: number | null;
  durationSeconds: number | null;
  businessDate: string;
  externalId: string | null;
  note: string | null;
  requests: { id: string; requestNo: string; state: ServiceRequestState }[];
  callback: { id: string; state: CallbackState; dueAt: string } | null;
  createdBy: string;
  createdAt: string;
}
export interface ServiceCallDay {
  date: string;
  inbound: number;
  answered: number;
  missed: number;
  callBack: number;
  /** answered / inbound (0–1); null without inbound calls. */
  answerRate: number | null;
  averageWaitSeconds: number | null;
  outbound: number;
}
export interface ServiceCallback {
  id: string;
  state: CallbackState;
  numberMasked: string;
  missedCalls: number;
  dueAt: string;
  isOverdue: boolean;
  attempts: number;
  firstCallAt: string;
  completedBy: { id: string; name: string } | null;
  completedAt: string | null;
  note: string | null;
  createdAt: string;
  version: number;
}
export interface ServiceDuplicate {
  id: string;
  requestNo: string;
  category: { id: string; name: string; nameEn: string };
  kind: ServiceRequestKind;
  state: ServiceRequestState;
  address: string | null;
  createdAt: string;
  closedAt: string | null;
  match: 'premise' | 'address';
  contacts: number;
}
export interface ServiceContact {
  channel: StaffServiceChannel;
  contactName?: string;
  contactPhone?: string;
  note?: string;
  callId?: string;
}
export interface PortalServiceDuplicate {
  isYours: boolean;
  /** Only for the customer's own requests. */
  requestId: string | null;
  requestNo: string | null;
  canJoin: boolean;
  joinId: string | null;
  category: { name: string; nameEn: string };
  state: ServiceRequestState;
  createdAt: string;
}
export type FollowUpState = 'pending' | 'done' | 'unreachable' | 'cancelled';
export type FollowUpOutcome = 'satisfied' | 'reopened' | 'escalated';
export interface ServiceFollowUp {
  id: string;
  state: FollowUpState;
  reason: 'kind_rule' | 'sampled' | 'customer';
  dueAt: string;
  isOverdue: boolean;
  attempts: number;
  rating: number | null;
  comment: string | null;
  ratedVia: 'portal' | 'sms_link' | 'phone' | null;
  recordedBy: string | null;
  recordedAt: string | null;
  outcome: FollowUpOutcome | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
  linkSentAt: string | null;
  request: {
    id: string;
    requestNo: string;
    kind: ServiceRequestKind;
    category: { name: string; nameEn: string };
    state: ServiceRequestState;
    contactName: string | null;
    contactPhoneMasked: string | null;
    closedAt: string | null;
  };
  createdAt: string;
  version: number;
}
export interface PortalServiceRating {
  canRate: boolean;
  rating: { rating: number; comment: string | null; ratedAt: string } | null;
}
export interface ServiceRatingLink {
  utility: { name: string; nameEn: string; hotline: string | null };
  requestNo: string;
  category: { name: string; nameEn: string };
  closedAt: string | null;
  expiresAt: string;
}
export interface ServiceRequestDesk {
  firstContactResolution: boolean;
  calls: { id: string; direction: CallDirection; outcome: CallOutcome; numberMasked: string; startedAt: string; agent: string | null }[];
  knowledge: { id: string; version: number; title: string; usedBy: string; usedAt: string }[];
  followUps: ServiceFollowUp[];
}
export interface ServiceDutyShift {
  id: string;
  staff: { id: string; name: string };
  phoneMasked: string;
  startsAt: string;
  endsAt: string;
  isOnDuty: boolean;
  createdBy: string;
  createdAt: string;
  cancelledAt: string | null;
}

// ---- photos and materials of service requests (照片、材料) ----
export type ImageContentType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic';
export type ServicePhotoStep = 'submit' | 'arrive' | 'control' | 'restore';
/** An upload: base64 in JSON; the server decides the type from the content. */
export interface FileUpload {
  /** A PDF only where the use takes documents (applications); photos everywhere else. */
  contentType?: ImageContentType | 'application/pdf';
  dataBase64: string;
  fileName?: string;
}
export interface ServicePhoto {
  id: string;
  step: ServicePhotoStep;
  contentType: ImageContentType;
  bytes: number;
  width: number | null;
  height: number | null;
  uploadedBy: string;
  uploadedByKind: 'staff' | 'customer' | 'system';
  uploadedAt: string;
}
export interface ServiceMaterial {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  /** The unit shown (米). */
  unit: string;
  unitEn: string;
  /** The unit quantities are counted in (厘米). */
  baseUnit: string;
  baseUnitEn: string;
  /** Base units per unit shown: 1, 10, 100 or 1000. */
  scale: number;
  isActive: boolean;
}
/** A new material of the catalogue (settings.manage); its base unit and scale never change afterwards. */
export interface NewServiceMaterial {
  code: string;
  name: string;
  nameEn: string;
  unit: string;
  unitEn: string;
  baseUnit: string;
  baseUnitEn: string;
  scale: 1 | 10 | 100 | 1000;
}
export type ServiceMaterialPatch = Partial<Pick<NewServiceMaterial, 'name' | 'nameEn' | 'unit' | 'unitEn'>> & { isActive?: boolean };
export interface ServiceMaterialUse {
  id: string;
  material: ServiceMaterial;
  /** Whole base units. */
  quantity: number;
  note: string | null;
  recordedBy: string;
  recordedAt: string;
}

// ---- Open311 and the city 12345 platform (对接管理; docs/OPEN311.md, docs/CITY-12345-API.md) ----
export interface Open311ApiKey {
  id: string;
  label: string;
  keyPrefix: string;
  ratePerMinute: number;
  status: 'active' | 'revoked';
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}
export interface NewOpen311ApiKey {
  label: string;
  ratePerMinute?: number;
}
export interface IssuedOpen311ApiKey {
  key: Open311ApiKey;
  /** The key itself: shown in this answer only. */
  apiKey: string;
}
export type Open311ServiceType = 'realtime' | 'batch';
export interface Open311Service {
  code: string;
  name: string;
  nameEn: string;
  kind: ServiceRequestKind;
  isActive: boolean;
  isPublished: boolean;
  type: Open311ServiceType;
  keywords: string;
  group: string;
  description: string;
  metadata: boolean;
  notice: string;
  isCustomised: boolean;
  updatedAt: string | null;
}
export interface Open311ServicePatch {
  isPublished?: boolean;
  type?: Open311ServiceType;
  keywords?: string;
  group?: string;
  description?: string;
}
export interface City12345Link {
  id: string;
  appId: string;
  label: string;
  replyUrl: string;
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
}
export interface NewCity12345Link {
  label: string;
  replyUrl: string;
}
export type City12345ReplyStatus = 'pending' | 'sent' | 'failed';
export interface City12345Reply {
  id: string;
  orderNo: string;
  requestNo: string;
  kind: 'respond' | 'close' | 'cancel';
  content: string;
  handledBy: string;
  handledAt: string;
  status: City12345ReplyStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
}

// ---- 服务质量看板: GET /api/dashboards/service-quality (rates in basis points, 10000 = 100 %) ----
export type ServiceDepartment = 'customer_service' | 'network' | 'meter' | 'water_quality';
export interface QualityDeadlines {
  due: number;
  onTime: number;
  late: number;
  metLate: number;
  unmetLate: number;
  stillOverdue: number;
  onTimeRateBp: number | null;
}
export interface QualitySatisfaction {
  rated: number;
  /** Average rating × 100 (425 = 4.25). */
  averageHundredths: number | null;
  satisfiedRateBp: number | null;
}
export interface QualityFirstContact {
  eligible: number;
  resolved: number;
  rateBp: number | null;
}
export interface QualityCalls {
  inbound: number;
  answered: number;
  missed: number;
  callBack: number;
  answerRateBp: number | null;
}
export interface QualityRowFigures {
  created: number;
  closed: number;
  openNow: number;
  overdueNow: number;
  deadlines: QualityDeadlines;
  satisfaction: QualitySatisfaction;
  firstContact: QualityFirstContact;
}
export interface QualityCategoryRow extends QualityRowFigures {
  category: { id: string; code: string; name: string; nameEn: string; kind: ServiceRequestKind; department: ServiceDepartment; isActive: boolean };
}
export interface QualityDepartmentRow extends QualityRowFigures {
  department: ServiceDepartment;
  name: string;
  nameEn: string;
}
export interface QualityDay {
  date: string;
  created: number;
  closed: number;
  deadlines: QualityDeadlines;
  satisfaction: QualitySatisfaction;
  firstContact: QualityFirstContact;
  calls: QualityCalls;
}
export interface QualityOverdueItem {
  requestId: string;
  requestNo: string;
  category: { code: string; name: string; nameEn: string };
  department: ServiceDepartment;
  state: ServiceRequestState;
  alertLevel: number;
  timeLimit: ServiceTimeLimit;
  dueAt: string;
  minutesOverdue: number;
  overdueLimits: number;
  escalationLevel: number;
  assignee: string | null;
}
export interface ServiceQualityDashboard {
  from: string;
  to: string;
  timeZone: string;
  generatedAt: string;
  totals: QualityRowFigures & { satisfaction: QualitySatisfaction & { byRating: number[] }; calls: QualityCalls };
  timeLimits: (QualityDeadlines & { timeLimit: ServiceTimeLimit })[];
  days: QualityDay[];
  categories: QualityCategoryRow[];
  departments: QualityDepartmentRow[];
  overdue: { total: number; items: QualityOverdueItem[] };
}

// ---- Appointments (预约) ----
export type AppointmentBusiness = 'new_connection' | 'holder_change' | 'category_change' | 'meter_calibration' | 'meter_removal' | 'billing' | 'consultation';
export interface TimeSpan {
  from: string;
  to: string;
}
/** Opening hours per ISO weekday, '1' Monday … '7' Sunday. */
export type WeeklyHours = Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', TimeSpan[]>;
export interface AppointmentLocation {
  id: string;
  name: string;
  address: string;
  phone: string | null;
  type: 'service_hall' | 'government_centre';
  businesses: AppointmentBusiness[];
  weeklyHours: WeeklyHours;
  slotMinutes: number;
  capacity: number;
  bookingDays: number;
  isOpenOnHolidays: boolean;
  isActive: boolean;
  hasExtendedHours: boolean;
  overrides: { date: string; spans: TimeSpan[]; note: string }[];
  version: number;
}
export interface AppointmentSlot {
  startsAt: string;
  endsAt: string;
  from: string;
  to: string;
  capacity: number;
  booked: number;
  available: number;
  isExtended: boolean;
  isPast: boolean;
}
export type AppointmentDayKind = 'regular' | 'holiday' | 'adjusted_workday' | 'override';
export interface AppointmentDay {
  locationId: string;
  date: string;
  kind: AppointmentDayKind;
  note: string;
  isBookable: boolean;
  slots: AppointmentSlot[];
}
export interface AppointmentDaySummary {
  date: string;
  kind: AppointmentDayKind;
  slots: number;
  available: number;
  hasExtendedHours: boolean;
}
export type AppointmentStatus = 'booked' | 'arrived' | 'cancelled';
export interface Appointment {
  id: string;
  bookingNo: string;
  locationId: string;
  locationName: string;
  locationAddress: string;
  business: AppointmentBusiness;
  startsAt: string;
  endsAt: string;
  date: string;
  from: string;
  to: string;
  status: AppointmentStatus;
  channel: 'portal' | 'counter';
  customerName: string;
  phoneMasked: string;
  accountNo: string | null;
  note: string;
  createdAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  arrivedAt: string | null;
  canChange: boolean;
  version: number;
}

// ---- applications (网上办 · 掌上办): what the portal, the console queue and the process settings share ----
export interface Bilingual {
  zh: string;
  en: string;
}
export type ApplicationStatus = 'in_progress' | 'returned' | 'completed' | 'rejected';
/** What an application's file may be: a photo or a PDF document. */
export type ApplicationFileType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic' | 'application/pdf';
/** A stage of an application type's process: the post (role) that works it and its limit in working days. */
export interface ProcessStageBase {
  position: number;
  code: string;
  name: string;
  nameEn: string;
  role: string;
  roleName: Bilingual;
  timeLimitDays: number;
}
/** A separation-of-duties rule of a process: the stages it names are worked by different people or departments. */
export interface SegregationRule {
  kind: 'different_people' | 'different_departments';
  stageCodes: string[];
  description: Bilingual;
}
/**
 * An application type as published: its process (stages and the materials to bring) and what it costs and
 * takes. The console's queue and the portal read the same fields, each with its own view of stages and
 * materials.
 */
export interface ApplicationTypeBase<Stage extends ProcessStageBase, Material> {
  code: string;
  name: string;
  nameEn: string;
  description: string;
  descriptionEn: string;
  acceptanceFeeFen: number;
  totalDays: number;
  stages: Stage[];
  materials: Material[];
  rules: SegregationRule[];
}
