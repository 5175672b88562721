import { insertPremise } from '../src/modules/customers';
import type { Sql } from '../src/platform/db/database';
import { type Permission, permissionsOf, type Role } from '../src/platform/permissions';
import { insertRegularBill } from './bill-factory';
import { ensureCollectionTarget, type CollectionTarget } from './collection-factory';
import type { CustomerWithAccount } from './factories';
import { renderWechatTradeBill } from '../src/modules/payments/files';
import { ensureMoneyTarget, type MoneyTarget } from './payment-factory';
import { ensureServiceTarget, type ServiceTarget } from './service-factory';
import { ensureServiceDeskTarget, type ServiceDeskTarget } from './service-desk-factory';
import { ensureServiceMediaTarget, type ServiceMediaTarget } from './service-media-factory';
import { ensureReadingTarget, type ReadingTarget, TINY_PNG_BASE64 } from './reading-factory';
import { ensureWithholdingTarget, TEST_BANK_CODE, type WithholdingTarget } from './withholding-factory';
import { ensureIntegrationTarget, type IntegrationTarget } from './integration-factory';
import { type AppointmentTarget, ensureAppointmentTarget } from './appointments-factory';
import { type ApplicationTarget, ensureApplicationTarget } from './applications-target';
import { type Response, TEST_PASSWORD, type TestEnvironment, type Utility } from './harness';

/**
 * Every endpoint of the API with a request that passes validation, for the access and tenant-isolation
 * tests. A row's permission is the rule as documented (docs/API.md); who holds it comes from the role table
 * in server/src/platform/permissions.ts, so a wrong guard on a route shows up as a wrong status.
 */

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The records the endpoints act on: one household of one utility, as it stands now. */
export interface Target extends ReadingTarget, MoneyTarget, WithholdingTarget, ServiceTarget, ServiceDeskTarget, ServiceMediaTarget, CollectionTarget, IntegrationTarget, AppointmentTarget, ApplicationTarget {
  tenantCode: string;
  customerId: string;
  customerVersion: number;
  holderName: string;
  contactId: string;
  premiseId: string;
  premiseVersion: number;
  accountId: string;
  accountNo: string;
  accountVersion: number;
  meterId: string;
  meterVersion: number;
  /** A premise with no open account, where an account can be opened. */
  freePremiseId: string;
  /** A billing run of the utility. */
  billingRunId: string;
  /** The newest regular bill of the household's account. */
  billId: string;
  /** A residential water-use category of the utility. */
  waterCategoryId: string;
  /** The category set on the household's account (null: its class's default). */
  accountWaterCategoryId: string | null;
  /** The version of the utility's settings. */
  settingsVersion: number;
  /** The version of the utility's process settings (0: never changed). */
  applicationSettingsVersion: number;
  /** The category's latest tariff version, always one that has not taken effect (so it can be withdrawn). */
  tariffVersionId: string;
}

export interface Endpoint {
  method: Method;
  /** The path as the OpenAPI document writes it. */
  path: string;
  /** The status of success, or a status and error code every holder of the permission gets (a refusal that comes after the guard). */
  success: number | `${number} ${string}`;
  url(target: Target): string;
  /** A body that passes validation and, if let through, writes something. */
  body?(target: Target): Record<string, unknown>;
  /** Ends the caller's session (logout), so it is tried with a session of its own. */
  endsSession?: boolean;
  /** A POST that only computes an answer (a preview) and writes nothing. */
  readsOnly?: boolean;
}

export interface StaffEndpoint extends Endpoint {
  /** What the route requires: a permission, or only a staff session. */
  permission: Permission | 'staff session';
}

let serial = 0;
let billingMonths = 0;
/** A value no earlier request used, so every let-through write changes something. */
const unique = () => {
  serial += 1;
  return serial;
};

/** The collection rows' own serial, so they do not move the values other rows derive from unique(). */
let collectionCount = 0;
const collectionSerial = () => {
  collectionCount += 1;
  return collectionCount;
};

export const STAFF_ENDPOINTS: readonly StaffEndpoint[] = [
  { method: 'GET', path: '/api/staff/me', permission: 'staff session', success: 200, url: () => '/api/staff/me' },
  { method: 'POST', path: '/api/staff/logout', permission: 'staff session', success: 204, url: () => '/api/staff/logout', endsSession: true },
  { method: 'GET', path: '/api/customers', permission: 'customer.read', success: 200, url: () => `/api/customers?q=${encodeURIComponent('客户')}` },
  {
    method: 'POST', path: '/api/customers', permission: 'customer.write', success: 201, url: () => '/api/customers',
    body: () => ({ kind: 'individual', name: `新客户${unique()}`, phone: '13600000000' }),
  },
  { method: 'GET', path: '/api/customers/{id}', permission: 'customer.read', success: 200, url: (t) => `/api/customers/${t.customerId}` },
  {
    method: 'PATCH', path: '/api/customers/{id}', permission: 'customer.write', success: 200, url: (t) => `/api/customers/${t.customerId}`,
    body: (t) => ({ version: t.customerVersion, notes: `备注 ${unique()}` }),
  },
  {
    method: 'POST', path: '/api/customers/{id}/reveal', permission: 'customer.reveal', success: 200, url: (t) => `/api/customers/${t.customerId}/reveal`,
    body: () => ({ field: 'phone' }),
  },
  {
    method: 'POST', path: '/api/customers/{id}/contacts', permission: 'customer.write', success: 201, url: (t) => `/api/customers/${t.customerId}/contacts`,
    body: () => ({ name: `联系人${unique()}`, relation: '配偶', phone: '13500000000' }),
  },
  {
    method: 'PATCH', path: '/api/contacts/{id}', permission: 'customer.write', success: 200, url: (t) => `/api/contacts/${t.contactId}`,
    body: () => ({ relation: `亲属${unique()}` }),
  },
  { method: 'DELETE', path: '/api/contacts/{id}', permission: 'customer.write', success: 204, url: (t) => `/api/contacts/${t.contactId}` },
  { method: 'GET', path: '/api/districts', permission: 'customer.read', success: 200, url: () => '/api/districts' },
  { method: 'GET', path: '/api/premises/{id}', permission: 'customer.read', success: 200, url: (t) => `/api/premises/${t.premiseId}` },
  {
    method: 'POST', path: '/api/premises', permission: 'premise.write', success: 201, url: () => '/api/premises',
    body: () => ({ district: '江汉区', street: '解放大道', address: `${unique()}号新建小区` }),
  },
  {
    method: 'PATCH', path: '/api/premises/{id}', permission: 'premise.write', success: 200, url: (t) => `/api/premises/${t.premiseId}`,
    body: (t) => ({ version: t.premiseVersion, address: `${unique()}号改建小区` }),
  },
  {
    method: 'POST', path: '/api/accounts', permission: 'account.write', success: 201, url: () => '/api/accounts',
    body: (t) => ({ customerId: t.customerId, premiseId: t.freePremiseId, category: 'residential' }),
  },
  {
    method: 'PATCH', path: '/api/accounts/{id}', permission: 'account.write', success: 200, url: (t) => `/api/accounts/${t.accountId}`,
    body: (t) => ({ version: t.accountVersion, householdSize: 1 + (unique() % 20) }),
  },
  { method: 'GET', path: '/api/meters/{id}', permission: 'customer.read', success: 200, url: (t) => `/api/meters/${t.meterId}` },
  {
    method: 'POST', path: '/api/meters', permission: 'meter.write', success: 201, url: () => '/api/meters',
    body: () => ({ serialNo: `NEW-${unique()}`, model: 'LXS-20E', sizeDn: 20, status: 'in_stock' }),
  },
  {
    method: 'PATCH', path: '/api/meters/{id}', permission: 'meter.write', success: 200, url: (t) => `/api/meters/${t.meterId}`,
    body: (t) => ({ version: t.meterVersion, model: `LXS-15E-${unique()}` }),
  },
  { method: 'GET', path: '/api/service-halls', permission: 'customer.read', success: 200, url: () => '/api/service-halls' },
  { method: 'GET', path: '/api/staff', permission: 'staff.read', success: 200, url: () => '/api/staff' },
  {
    method: 'POST', path: '/api/staff', permission: 'staff.manage', success: 201, url: () => '/api/staff',
    body: () => ({ username: `new-reader-${unique()}`, displayName: '新抄表员', password: 'A-long-enough-password', roles: ['meter_reader'] }),
  },
  { method: 'GET', path: '/api/settings', permission: 'settings.manage', success: 200, url: () => '/api/settings' },
  {
    method: 'PATCH', path: '/api/settings', permission: 'settings.manage', success: 200, url: () => '/api/settings',
    body: (t) => ({ version: t.settingsVersion, reading: { rotationNoticeDays: 20 + (unique() % 40) } }),
  },
  { method: 'GET', path: '/api/accounts/{id}/money', permission: 'payment.read', success: 200, url: (t) => `/api/accounts/${t.accountId}/money` },
  { method: 'GET', path: '/api/accounts/{id}/statement', permission: 'payment.read', success: 200, url: (t) => `/api/accounts/${t.accountId}/statement` },
  { method: 'GET', path: '/api/accounts/{id}/payments', permission: 'payment.read', success: 200, url: (t) => `/api/accounts/${t.accountId}/payments` },
  { method: 'GET', path: '/api/payments/{id}/receipt', permission: 'payment.read', success: 200, url: (t) => `/api/payments/${t.paymentId}/receipt` },
  {
    method: 'POST', path: '/api/accounts/{id}/payments', permission: 'payment.take', success: 201, url: (t) => `/api/accounts/${t.accountId}/payments`,
    body: () => ({ method: 'cash', amountFen: 100 + (unique() % 50) }),
  },
  { method: 'POST', path: '/api/accounts/{id}/prepaid/apply', permission: 'payment.take', success: 200, url: (t) => `/api/accounts/${t.accountId}/prepaid/apply` },
  { method: 'GET', path: '/api/tills/current', permission: 'payment.take', success: 200, url: () => '/api/tills/current' },
  { method: 'POST', path: '/api/tills/open', permission: 'payment.take', success: 200, url: () => '/api/tills/open', readsOnly: true },
  {
    method: 'POST', path: '/api/tills/{id}/close', permission: 'payment.take', success: 200, url: (t) => `/api/tills/${t.tillId}/close`,
    body: (t) => ({ counted: t.tillExpected }),
  },
  { method: 'GET', path: '/api/tills', permission: 'payment.read', success: 200, url: (t) => `/api/tills?date=${t.today}` },
  // ---- collection (催欠): arrears, notices, disputes, cut-off and reconnection orders ----
  { method: 'GET', path: '/api/arrears', permission: 'collection.work', success: 200, url: () => '/api/arrears?minAgeDays=0' },
  { method: 'GET', path: '/api/arrears.csv', permission: 'collection.work', success: 200, url: () => '/api/arrears.csv' },
  { method: 'GET', path: '/api/accounts/{id}/collection', permission: 'collection.work', success: 200, url: (t) => `/api/accounts/${t.accountId}/collection` },
  {
    method: 'POST', path: '/api/accounts/{id}/collection-notes', permission: 'collection.work', success: 201, url: (t) => `/api/accounts/${t.accountId}/collection-notes`,
    body: () => ({ kind: 'visit', note: `上门催缴 ${collectionSerial()}` }),
  },
  { method: 'GET', path: '/api/collection-notices', permission: 'collection.work', success: 200, url: () => '/api/collection-notices?channel=letter' },
  { method: 'POST', path: '/api/bills/{id}/disputes', permission: 'customer.write', success: 201, url: (t) => `/api/bills/${t.billId}/disputes`, body: () => ({ reason: `对水量有异议 ${collectionSerial()}` }) },
  { method: 'POST', path: '/api/bill-disputes/{id}/close', permission: 'bill.adjust', success: 200, url: (t) => `/api/bill-disputes/${t.openDisputeId}/close`, body: () => ({ resolution: `复核无误 ${collectionSerial()}` }) },
  { method: 'POST', path: '/api/accounts/{id}/cutoff-orders', permission: 'collection.manage', success: 201, url: (t) => `/api/accounts/${t.accountId}/cutoff-orders`, body: () => ({}) },
  { method: 'GET', path: '/api/cutoff-orders', permission: 'collection.work', success: 200, url: () => '/api/cutoff-orders' },
  { method: 'POST', path: '/api/cutoff-orders/{id}/complete', permission: 'collection.work', success: 200, url: (t) => `/api/cutoff-orders/${t.cutoffOrderId}/complete` },
  { method: 'POST', path: '/api/cutoff-orders/{id}/cancel', permission: 'collection.manage', success: 200, url: (t) => `/api/cutoff-orders/${t.cutoffOrderId}/cancel`, body: () => ({ reason: `已协商 ${collectionSerial()}` }) },
  { method: 'GET', path: '/api/reconnection-orders', permission: 'collection.work', success: 200, url: () => '/api/reconnection-orders' },
  { method: 'POST', path: '/api/reconnection-orders/{id}/complete', permission: 'collection.work', success: 200, url: (t) => `/api/reconnection-orders/${t.reconnectionOrderId}/complete` },
  {
    method: 'POST', path: '/api/payments/{id}/refunds', permission: 'payment.refund', success: 201, url: (t) => `/api/payments/${t.refundPaymentId}/refunds`,
    body: (t) => ({ amountFen: 1, reason: '多缴退款', tillId: t.tillId }),
  },
  { method: 'GET', path: '/api/payments/{id}/refunds', permission: 'payment.read', success: 200, url: (t) => `/api/payments/${t.refundPaymentId}/refunds` },
  {
    method: 'POST', path: '/api/payments/{id}/reversal', permission: 'payment.reverse', success: 201, url: (t) => `/api/payments/${t.reversiblePaymentId}/reversal`,
    body: () => ({ reason: `收错户号 ${unique()}` }),
  },
  { method: 'POST', path: '/api/reconciliations', permission: 'payment.reconcile', success: 201, url: () => '/api/reconciliations', body: (t) => ({ channel: 'wechatpay', date: t.today }) },
  {
    // An empty WeChat Pay trade bill: every payment of the day in the ledger becomes a difference.
    method: 'POST', path: '/api/reconciliations/import', permission: 'payment.reconcile', success: 201, url: () => '/api/reconciliations/import',
    body: (t) => ({ channel: 'wechatpay', date: t.today, fileBase64: renderWechatTradeBill([]).toString('base64'), fileName: 'tradebill.csv' }),
  },
  { method: 'GET', path: '/api/reconciliations', permission: 'payment.read', success: 200, url: () => '/api/reconciliations' },
  { method: 'GET', path: '/api/reconciliations/{id}', permission: 'payment.read', success: 200, url: (t) => `/api/reconciliations/${t.reconciliationId}` },
  {
    method: 'POST', path: '/api/reconciliations/{id}/differences/{diffId}/resolve', permission: 'payment.reconcile', success: 200,
    url: (t) => `/api/reconciliations/${t.reconciliationId}/differences/${t.reconciliationDifferenceId}/resolve`,
    body: () => ({ resolution: 'explained', note: '已与渠道核实' }),
  },
  { method: 'GET', path: '/api/withholding/mandates', permission: 'withholding.manage', success: 200, url: (t) => `/api/withholding/mandates?accountId=${t.accountId}` },
  {
    method: 'POST', path: '/api/withholding/mandates', permission: 'withholding.manage', success: 201, url: () => '/api/withholding/mandates',
    body: (t) => ({ accountId: t.accountId, bankCode: TEST_BANK_CODE, bankAccountNo: '6222020012345678', holderName: t.holderName, signedOn: '2026-02-01' }),
  },
  {
    method: 'POST', path: '/api/withholding/mandates/{id}/cancel', permission: 'withholding.manage', success: 200, url: (t) => `/api/withholding/mandates/${t.mandateId}/cancel`,
    body: () => ({ reason: '客户申请解约' }),
  },
  { method: 'POST', path: '/api/withholding/mandates/{id}/reveal', permission: 'withholding.manage', success: 200, url: (t) => `/api/withholding/mandates/${t.mandateId}/reveal` },
  { method: 'GET', path: '/api/withholding/batches', permission: 'withholding.manage', success: 200, url: () => '/api/withholding/batches' },
  { method: 'POST', path: '/api/withholding/batches', permission: 'withholding.manage', success: 201, url: () => '/api/withholding/batches', body: () => ({ bankCode: TEST_BANK_CODE }) },
  { method: 'GET', path: '/api/withholding/batches/{id}', permission: 'withholding.manage', success: 200, url: (t) => `/api/withholding/batches/${t.withholdingBatchId}` },
  { method: 'GET', path: '/api/withholding/batches/{id}/file', permission: 'withholding.manage', success: 200, url: (t) => `/api/withholding/batches/${t.withholdingBatchId}/file` },
  {
    method: 'POST', path: '/api/withholding/batches/{id}/result', permission: 'withholding.manage', success: 200, url: (t) => `/api/withholding/batches/${t.withholdingBatchId}/result`,
    body: (t) => ({ file: t.withholdingResultFile }),
  },
  { method: 'GET', path: '/api/gov-app/credentials', permission: 'settings.manage', success: 200, url: () => '/api/gov-app/credentials' },
  { method: 'POST', path: '/api/gov-app/credentials', permission: 'settings.manage', success: 201, url: () => '/api/gov-app/credentials', body: () => ({ label: '政务服务平台' }) },
  { method: 'POST', path: '/api/gov-app/credentials/{id}/revoke', permission: 'settings.manage', success: 200, url: (t) => `/api/gov-app/credentials/${t.govCredentialId}/revoke` },
  // ---- Open311 (keys, published services) and the city 12345 platform (links, the reply outbox) ----
  { method: 'GET', path: '/api/open311/keys', permission: 'settings.manage', success: 200, url: () => '/api/open311/keys' },
  { method: 'POST', path: '/api/open311/keys', permission: 'settings.manage', success: 201, url: () => '/api/open311/keys', body: () => ({ label: `随手拍应用 ${unique()}` }) },
  { method: 'POST', path: '/api/open311/keys/{id}/revoke', permission: 'settings.manage', success: 200, url: (t) => `/api/open311/keys/${t.open311KeyId}/revoke` },
  { method: 'GET', path: '/api/open311/services', permission: 'settings.manage', success: 200, url: () => '/api/open311/services' },
  { method: 'PATCH', path: '/api/open311/services/{code}', permission: 'settings.manage', success: 200, url: () => '/api/open311/services/inquiry', body: () => ({ keywords: `咨询,水费,${unique()}` }) },
  { method: 'GET', path: '/api/city12345/links', permission: 'settings.manage', success: 200, url: () => '/api/city12345/links' },
  {
    method: 'POST', path: '/api/city12345/links', permission: 'settings.manage', success: 201, url: () => '/api/city12345/links',
    body: () => ({ label: `12345 平台 ${unique()}`, replyUrl: 'https://12345.example.gov.cn/api/replies' }),
  },
  { method: 'POST', path: '/api/city12345/links/{id}/revoke', permission: 'settings.manage', success: 200, url: (t) => `/api/city12345/links/${t.cityLinkId}/revoke` },
  { method: 'GET', path: '/api/city12345/replies', permission: 'settings.manage', success: 200, url: () => '/api/city12345/replies?status=failed' },
  { method: 'POST', path: '/api/city12345/replies/{id}/retry', permission: 'settings.manage', success: 200, url: (t) => `/api/city12345/replies/${t.cityReplyId}/retry` },
  { method: 'GET', path: '/api/service-categories', permission: 'service.read', success: 200, url: () => '/api/service-categories' },
  { method: 'GET', path: '/api/service-crews', permission: 'service.dispatch', success: 200, url: () => '/api/service-crews' },
  {
    method: 'POST', path: '/api/service-requests', permission: 'service.create', success: 201, url: () => '/api/service-requests',
    // The household has an open inquiry already (ensureServiceTarget): without the confirmation this is a likely duplicate (409).
    body: (t) => ({ categoryId: t.serviceCategoryId, channel: 'hotline', accountId: t.accountId, description: `咨询 ${unique()}`, confirmNotDuplicate: true }),
  },
  { method: 'GET', path: '/api/service-requests', permission: 'service.read', success: 200, url: () => '/api/service-requests?open=true' },
  { method: 'GET', path: '/api/service-requests/{id}', permission: 'service.read', success: 200, url: (t) => `/api/service-requests/${t.serviceRequestId}` },
  {
    // The guard asks for service.read; the state machine then asks accept of a desk request for service.handle.
    method: 'POST', path: '/api/service-requests/{id}/steps', permission: 'service.handle', success: 200, url: (t) => `/api/service-requests/${t.serviceRequestId}/steps`,
    body: (t) => ({ step: 'accept', version: t.serviceRequestVersion, note: `受理 ${unique()}` }),
  },
  {
    method: 'POST', path: '/api/service-requests/{id}/reassign', permission: 'service.dispatch', success: 200, url: (t) => `/api/service-requests/${t.reassignRequestId}/reassign`,
    body: (t) => ({ version: t.reassignRequestVersion, assigneeStaffId: t.reassignToStaffId, reason: `原维修人员不在岗 ${unique()}` }),
  },
  // Photos and materials of a request (service/mediaRoutes.ts). The guard asks for service.read; a report photo then needs service.handle.
  {
    method: 'POST', path: '/api/service-requests/{id}/photos', permission: 'service.handle', success: 201, url: (t) => `/api/service-requests/${t.photoRequestId}/photos`,
    body: () => ({ step: 'submit', photo: { dataBase64: TINY_PNG_BASE64, fileName: `现场 ${unique()}.png` } }),
  },
  { method: 'GET', path: '/api/service-requests/{id}/photos/{photoId}', permission: 'service.read', success: 200, url: (t) => `/api/service-requests/${t.photoRequestId}/photos/${t.servicePhotoId}` },
  { method: 'GET', path: '/api/service-materials', permission: 'service.read', success: 200, url: () => '/api/service-materials' },
  {
    method: 'POST', path: '/api/service-requests/{id}/materials', permission: 'service.field', success: 201, url: (t) => `/api/service-requests/${t.fieldRequestId}/materials`,
    body: (t) => ({ materialId: t.serviceMaterialId, quantity: 100 + unique() }),
  },
  { method: 'DELETE', path: '/api/service-requests/{id}/materials/{useId}', permission: 'service.field', success: 200, url: (t) => `/api/service-requests/${t.fieldRequestId}/materials/${t.materialUseId}` },
  // The dispatcher's board, the crew's phone reveal, and the service settings (admin-routes.ts).
  { method: 'GET', path: '/api/service-board', permission: 'service.read', success: 200, url: () => '/api/service-board?track=all' },
  { method: 'POST', path: '/api/service-requests/{id}/reveal-phone', permission: 'service.field', success: 200, url: (t) => `/api/service-requests/${t.fieldRequestId}/reveal-phone` },
  { method: 'GET', path: '/api/service-settings/categories', permission: 'settings.manage', success: 200, url: () => '/api/service-settings/categories' },
  {
    method: 'POST', path: '/api/service-settings/categories', permission: 'settings.manage', success: 201, url: () => '/api/service-settings/categories',
    body: () => ({ code: `test_${unique()}`, name: '测试类别', nameEn: 'Test category', kind: 'inquiry', timeBasis: 'working', limits: { accept: 30, respond: 450, close: 1350 }, alertLevel: 1, department: 'customer_service' }),
  },
  { method: 'PATCH', path: '/api/service-settings/categories/{id}', permission: 'settings.manage', success: 200, url: (t) => `/api/service-settings/categories/${t.serviceCategoryId}`, body: () => ({ nameEn: `Inquiry ${unique()}` }) },
  { method: 'GET', path: '/api/service-settings/materials', permission: 'settings.manage', success: 200, url: () => '/api/service-settings/materials' },
  {
    method: 'POST', path: '/api/service-settings/materials', permission: 'settings.manage', success: 201, url: () => '/api/service-settings/materials',
    body: () => ({ code: `test_${unique()}`, name: '测试材料', nameEn: 'Test material', unit: '个', unitEn: 'pc', baseUnit: '个', baseUnitEn: 'pc', scale: 1 }),
  },
  { method: 'PATCH', path: '/api/service-settings/materials/{id}', permission: 'settings.manage', success: 200, url: (t) => `/api/service-settings/materials/${t.serviceMaterialId}`, body: () => ({ nameEn: `Ductile iron pipe DN100 (${unique()})` }) },
  // The service desk (desk-routes.ts): knowledge base, call log and call-backs, duplicates, follow-ups, duty leaders.
  { method: 'GET', path: '/api/knowledge/search', permission: 'service.read', success: 200, url: () => `/api/knowledge/search?q=${encodeURIComponent('水费怎么交')}` },
  { method: 'GET', path: '/api/knowledge/articles', permission: 'knowledge.manage', success: 200, url: () => '/api/knowledge/articles' },
  {
    method: 'POST', path: '/api/knowledge/articles', permission: 'knowledge.manage', success: 201, url: () => '/api/knowledge/articles',
    body: () => ({ title: `停水咨询 ${unique()}`, body: '计划停水会提前 24 小时公告。', tags: ['停水'], keywords: ['没水'] }),
  },
  { method: 'GET', path: '/api/knowledge/articles/{id}', permission: 'knowledge.manage', success: 200, url: (t) => `/api/knowledge/articles/${t.knowledgeDraftId}` },
  {
    method: 'PATCH', path: '/api/knowledge/articles/{id}', permission: 'knowledge.manage', success: 200, url: (t) => `/api/knowledge/articles/${t.knowledgeDraftId}`,
    body: (t) => ({ version: t.knowledgeDraftVersion, body: `可通过网上营业厅缴纳水费（第 ${unique()} 稿）。` }),
  },
  {
    method: 'POST', path: '/api/knowledge/articles/{id}/publish', permission: 'knowledge.manage', success: 200, url: (t) => `/api/knowledge/articles/${t.knowledgeDraftId}/publish`,
    body: (t) => ({ version: t.knowledgeDraftVersion }),
  },
  {
    method: 'POST', path: '/api/knowledge/articles/{id}/archive', permission: 'knowledge.manage', success: 200, url: (t) => `/api/knowledge/articles/${t.knowledgePublishedId}/archive`,
    body: (t) => ({ version: t.knowledgePublishedVersion }),
  },
  {
    method: 'POST', path: '/api/service-calls', permission: 'service.create', success: 201, url: () => '/api/service-calls',
    body: () => ({ direction: 'inbound', outcome: 'answered', number: '13812345678', externalId: `PBX-${unique()}` }),
  },
  { method: 'GET', path: '/api/service-calls', permission: 'service.read', success: 200, url: () => '/api/service-calls' },
  { method: 'GET', path: '/api/service-calls/daily', permission: 'service.read', success: 200, url: () => '/api/service-calls/daily?from=2026-02-24&to=2026-03-02' },
  { method: 'GET', path: '/api/service-calls/{id}', permission: 'service.read', success: 200, url: (t) => `/api/service-calls/${t.serviceCallId}` },
  {
    method: 'PATCH', path: '/api/service-calls/{id}', permission: 'service.create', success: 200, url: (t) => `/api/service-calls/${t.serviceCallId}`,
    body: () => ({ note: `来电备注 ${unique()}` }),
  },
  {
    method: 'POST', path: '/api/service-calls/{id}/requests', permission: 'service.create', success: 200, url: (t) => `/api/service-calls/${t.serviceCallId}/requests`,
    body: (t) => ({ requestId: t.serviceRequestId }),
  },
  { method: 'GET', path: '/api/service-callbacks', permission: 'service.read', success: 200, url: () => '/api/service-callbacks?state=open' },
  {
    method: 'POST', path: '/api/service-callbacks/{id}/attempts', permission: 'service.handle', success: 200, url: (t) => `/api/service-callbacks/${t.callbackId}/attempts`,
    body: (t) => ({ version: t.callbackVersion, reached: false, note: `无人接听 ${unique()}` }),
  },
  { method: 'POST', path: '/api/service-callbacks/{id}/reveal', permission: 'service.handle', success: 200, url: (t) => `/api/service-callbacks/${t.callbackId}/reveal` },
  {
    method: 'GET', path: '/api/service-requests/duplicates', permission: 'service.create', success: 200,
    url: (t) => `/api/service-requests/duplicates?categoryId=${t.serviceCategoryId}&accountId=${t.accountId}`,
  },
  {
    method: 'POST', path: '/api/service-requests/{id}/contacts', permission: 'service.create', success: 201, url: (t) => `/api/service-requests/${t.serviceRequestId}/contacts`,
    body: () => ({ channel: 'hotline', contactName: '邻居', note: `同一问题 ${unique()}` }),
  },
  { method: 'GET', path: '/api/service-requests/{id}/desk', permission: 'service.read', success: 200, url: (t) => `/api/service-requests/${t.serviceRequestId}/desk` },
  { method: 'GET', path: '/api/service-followups', permission: 'service.read', success: 200, url: () => '/api/service-followups?view=all' },
  {
    method: 'POST', path: '/api/service-followups/{id}/result', permission: 'service.handle', success: 200, url: (t) => `/api/service-followups/${t.followUpId}/result`,
    body: (t) => ({ version: t.followUpVersion, reached: false, comment: `未接 ${unique()}` }),
  },
  {
    method: 'POST', path: '/api/service-followups/{id}/review', permission: 'service.supervise', success: 200, url: (t) => `/api/service-followups/${t.escalatedFollowUpId}/review`,
    body: (t) => ({ version: t.escalatedFollowUpVersion, note: `已安排复查 ${unique()}` }),
  },
  { method: 'GET', path: '/api/service-duty-shifts', permission: 'service.read', success: 200, url: () => '/api/service-duty-shifts?days=30' },
  {
    method: 'POST', path: '/api/service-duty-shifts', permission: 'service.supervise', success: 201, url: () => '/api/service-duty-shifts',
    body: (t) => {
      const startsAt = Date.UTC(2027, 0, 1) + unique() * 2 * 86_400_000;
      return { staffId: t.dutyStaffId, phone: '13900000002', startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 12 * 3_600_000).toISOString() };
    },
  },
  { method: 'POST', path: '/api/service-duty-shifts/{id}/cancel', permission: 'service.supervise', success: 200, url: (t) => `/api/service-duty-shifts/${t.dutyShiftId}/cancel` },
  { method: 'GET', path: '/api/audit', permission: 'audit.read', success: 200, url: () => '/api/audit?limit=200' },
  { method: 'GET', path: '/api/audit/verify', permission: 'audit.read', success: 200, url: () => '/api/audit/verify' },
  { method: 'GET', path: '/api/outbox', permission: 'outbox.read', success: 200, url: () => '/api/outbox?limit=200' },
  // No failed message in the target: every holder is let through to the lookup, which finds none.
  { method: 'POST', path: '/api/outbox/{id}/retry', permission: 'outbox.retry', success: '404 not_found', readsOnly: true, url: () => '/api/outbox/00000000-0000-4000-8000-000000000000/retry' },
  // ---- reading: routes (抄表本), entry, review, imports ----
  { method: 'GET', path: '/api/routes', permission: 'route.read', success: 200, url: () => '/api/routes' },
  { method: 'GET', path: '/api/routes/rotation-proposal', permission: 'route.read', success: 200, url: () => '/api/routes/rotation-proposal' },
  { method: 'GET', path: '/api/routes/mine', permission: 'route.read', success: 200, url: () => '/api/routes/mine' },
  { method: 'POST', path: '/api/routes', permission: 'route.manage', success: 201, url: () => '/api/routes', body: () => ({ code: `R-${unique()}`, name: '新抄表本' }) },
  { method: 'GET', path: '/api/routes/{id}', permission: 'route.read', success: 200, url: (t) => `/api/routes/${t.routeId}` },
  { method: 'PATCH', path: '/api/routes/{id}', permission: 'route.manage', success: 200, url: (t) => `/api/routes/${t.routeId}`, body: () => ({ name: `抄表本 ${unique()}` }) },
  { method: 'POST', path: '/api/routes/{id}/accounts', permission: 'route.manage', success: 200, url: (t) => `/api/routes/${t.routeId}/accounts`, body: (t) => ({ accountIds: [t.accountId] }) },
  { method: 'DELETE', path: '/api/routes/{id}/accounts/{accountId}', permission: 'route.manage', success: 204, url: (t) => `/api/routes/${t.routeId}/accounts/${t.accountId}` },
  { method: 'POST', path: '/api/routes/{id}/walk-order', permission: 'route.manage', success: 200, url: (t) => `/api/routes/${t.routeId}/walk-order`, body: (t) => ({ accountIds: [t.accountId] }) },
  {
    // A later start each time, so it always follows the collector assigned before.
    method: 'POST', path: '/api/routes/{id}/assignments', permission: 'route.manage', success: 201, url: (t) => `/api/routes/${t.routeId}/assignments`,
    body: (t) => ({ staffId: t.collectorId, duty: 'collector', startsOn: new Date(Date.UTC(2026, 0, 1 + unique())).toISOString().slice(0, 10) }),
  },
  { method: 'GET', path: '/api/routes/{id}/sheet', permission: 'route.read', success: 200, url: (t) => `/api/routes/${t.routeId}/sheet` },
  {
    method: 'POST', path: '/api/readings', permission: 'reading.write', success: 201, url: () => '/api/readings',
    body: (t) => ({ accountId: t.accountId, readOn: t.today, registerLitres: 5_000_000 + unique() * 1000, photo: { contentType: 'image/png', dataBase64: TINY_PNG_BASE64 } }),
  },
  { method: 'GET', path: '/api/readings', permission: 'reading.read', success: 200, url: (t) => `/api/readings?accountId=${t.accountId}` },
  { method: 'GET', path: '/api/readings/review-queue', permission: 'reading.review', success: 200, url: () => '/api/readings/review-queue' },
  {
    method: 'POST', path: '/api/readings/{id}/review', permission: 'reading.review', success: 200, url: (t) => `/api/readings/${t.suspectReadingId}/review`,
    body: () => ({ decision: 'reject', note: `复核驳回 ${unique()}` }),
  },
  { method: 'GET', path: '/api/readings/{id}/photo', permission: 'reading.read', success: 200, url: (t) => `/api/readings/${t.suspectReadingId}/photo` },
  {
    method: 'POST', path: '/api/readings/import', permission: 'reading.import', success: 201, url: () => '/api/readings/import',
    body: (t) => ({ fileName: 'readings.csv', contentBase64: Buffer.from(`account_no,meter_serial,read_on,register_m3\n${t.accountNo},${t.meterSerial},${t.today},${8000 + unique()}.5\n`).toString('base64') }),
  },
  {
    method: 'POST', path: '/api/readings/batch', permission: 'reading.import', success: 207, url: () => '/api/readings/batch',
    body: (t) => ({ readings: [{ externalId: `HE-${unique()}`, meterSerial: t.meterSerial, readAt: `${t.today}T01:00:00Z`, registerLitres: 9_000_000 + unique() * 1000 }] }),
  },
  { method: 'GET', path: '/api/readings/dead-letters', permission: 'reading.import', success: 200, url: () => '/api/readings/dead-letters' },
  { method: 'GET', path: '/api/billing-runs', permission: 'bill.read', success: 200, url: () => '/api/billing-runs' },
  {
    // A month of the 1990s no earlier request used, so no active run of the same month stands in the way.
    method: 'POST', path: '/api/billing-runs', permission: 'billing.run', success: 201, url: () => '/api/billing-runs',
    // A month of its own each time (from 1900 on, counted separately from unique(), which other rows use
    // so often that it would reach a month not yet begun).
    body: () => {
      billingMonths += 1;
      return { period: `${1900 + Math.floor(billingMonths / 12)}-${String((billingMonths % 12) + 1).padStart(2, '0')}` };
    },
  },
  { method: 'GET', path: '/api/billing-runs/{id}', permission: 'bill.read', success: 200, url: (t) => `/api/billing-runs/${t.billingRunId}` },
  { method: 'GET', path: '/api/billing-runs/{id}/skipped', permission: 'bill.read', success: 200, url: (t) => `/api/billing-runs/${t.billingRunId}/skipped` },
  { method: 'GET', path: '/api/accounts/{id}/bills', permission: 'bill.read', success: 200, url: (t) => `/api/accounts/${t.accountId}/bills` },
  { method: 'GET', path: '/api/accounts/{id}/usage', permission: 'bill.read', success: 200, url: (t) => `/api/accounts/${t.accountId}/usage?months=12` },
  { method: 'GET', path: '/api/bills/{id}', permission: 'bill.read', success: 200, url: (t) => `/api/bills/${t.billId}` },
  { method: 'GET', path: '/api/bills/{id}/pdf', permission: 'bill.read', success: 200, url: (t) => `/api/bills/${t.billId}/pdf` },
  {
    // A debit note always goes through (a credit note could run out of bill to take back).
    method: 'POST', path: '/api/bills/{id}/adjustments', permission: 'bill.adjust', success: 201, url: (t) => `/api/bills/${t.billId}/adjustments`,
    body: () => ({ kind: 'debit_note', reason: 'other', note: `补收测试 ${unique()}`, amountFen: 100 }),
  },
  {
    // Each time another consumption, so the notes always change what the bill stands at.
    method: 'POST', path: '/api/bills/{id}/rebill', permission: 'bill.adjust', success: 201, url: (t) => `/api/bills/${t.billId}/rebill`,
    body: () => ({ correctConsumptionLitres: 1_000 * unique(), reason: 'wrong_reading' }),
  },
  { method: 'GET', path: '/api/reports/zero-consumption', permission: 'report.read', success: 200, url: () => '/api/reports/zero-consumption?periods=3' },
  { method: 'GET', path: '/api/reports/zero-consumption.csv', permission: 'report.read', success: 200, url: () => '/api/reports/zero-consumption.csv?periods=3' },
  { method: 'GET', path: '/api/dashboards/service-quality', permission: 'report.read', success: 200, url: () => '/api/dashboards/service-quality?from=2026-02-01&to=2026-03-02' },
  { method: 'GET', path: '/api/dashboards/service-quality/categories.csv', permission: 'report.read', success: 200, url: () => '/api/dashboards/service-quality/categories.csv?from=2026-02-01&to=2026-03-02' },
  { method: 'GET', path: '/api/water-categories', permission: 'tariff.read', success: 200, url: () => '/api/water-categories' },
  {
    method: 'POST', path: '/api/water-categories', permission: 'tariff.write', success: 201, url: () => '/api/water-categories',
    body: () => ({ code: `CAT${unique()}`, name: '新用水性质', nameEn: 'New category', accountClass: 'special' }),
  },
  {
    method: 'PATCH', path: '/api/water-categories/{id}', permission: 'tariff.write', success: 200, url: (t) => `/api/water-categories/${t.waterCategoryId}`,
    body: () => ({ name: `居民生活用水${unique()}` }),
  },
  { method: 'GET', path: '/api/water-categories/{id}/tariff-versions', permission: 'tariff.read', success: 200, url: (t) => `/api/water-categories/${t.waterCategoryId}/tariff-versions` },
  {
    // A first day in the 2030s no earlier request used, so it always follows the latest version.
    method: 'POST', path: '/api/water-categories/{id}/tariff-versions', permission: 'tariff.write', success: 201, url: (t) => `/api/water-categories/${t.waterCategoryId}/tariff-versions`,
    body: () => ({ effectiveFrom: new Date(Date.UTC(2030, 0, 1 + unique())).toISOString().slice(0, 10), definition: TEST_TARIFF }),
  },
  { method: 'GET', path: '/api/tariff-versions/{id}', permission: 'tariff.read', success: 200, url: (t) => `/api/tariff-versions/${t.tariffVersionId}` },
  {
    method: 'POST', path: '/api/tariff-versions/{id}/withdraw', permission: 'tariff.write', success: 200, url: (t) => `/api/tariff-versions/${t.tariffVersionId}/withdraw`,
    body: () => ({ reason: `录入有误 ${unique()}` }),
  },
  {
    method: 'POST', path: '/api/tariffs/preview', permission: 'tariff.read', success: 200, url: () => '/api/tariffs/preview', readsOnly: true,
    body: (t) => ({ waterCategoryId: t.waterCategoryId, periodStart: '2026-01-01', periodEnd: '2026-01-31', consumptionLitres: 12_000, householdSize: 3 }),
  },
  {
    method: 'PATCH', path: '/api/accounts/{id}/water-category', permission: 'account.write', success: 200, url: (t) => `/api/accounts/${t.accountId}/water-category`,
    body: (t) => ({ version: t.accountVersion, waterCategoryId: t.accountWaterCategoryId === t.waterCategoryId ? null : t.waterCategoryId }),
  },
  // Appointments (预约): locations and hours (administrator), the day's bookings and walk-ins (counter, hotline).
  { method: 'GET', path: '/api/appointment-locations', permission: 'appointment.read', success: 200, url: () => '/api/appointment-locations' },
  {
    method: 'POST', path: '/api/appointment-locations', permission: 'appointment.manage', success: 201, url: () => '/api/appointment-locations',
    body: () => ({
      hall: { name: `预约网点${unique()}`, address: '测试路 1 号', phone: null, type: 'service_hall' },
      businesses: ['billing'],
      weeklyHours: { '1': [{ from: '08:30', to: '17:30' }], '2': [], '3': [], '4': [], '5': [], '6': [{ from: '09:00', to: '12:00' }], '7': [] },
      slotMinutes: 30, capacity: 2, bookingDays: 14, isOpenOnHolidays: false,
    }),
  },
  {
    method: 'PATCH', path: '/api/appointment-locations/{id}', permission: 'appointment.manage', success: 200, url: (t) => `/api/appointment-locations/${t.appointmentLocationId}`,
    body: (t) => ({ version: t.appointmentLocationVersion, capacity: 51 + (unique() % 400) }),
  },
  {
    method: 'POST', path: '/api/appointment-locations/{id}/date-overrides', permission: 'appointment.manage', success: 200, url: (t) => `/api/appointment-locations/${t.appointmentLocationId}/date-overrides`,
    body: () => ({ date: '2026-06-01', spans: [], note: `临时闭厅 ${unique()}` }),
  },
  { method: 'DELETE', path: '/api/appointment-locations/{id}/date-overrides/{date}', permission: 'appointment.manage', success: 204, url: (t) => `/api/appointment-locations/${t.appointmentLocationId}/date-overrides/2026-06-02` },
  { method: 'GET', path: '/api/appointment-locations/{id}/slots', permission: 'appointment.read', success: 200, url: (t) => `/api/appointment-locations/${t.appointmentLocationId}/slots?date=2026-03-03` },
  { method: 'GET', path: '/api/appointments', permission: 'appointment.read', success: 200, url: () => '/api/appointments' },
  {
    method: 'POST', path: '/api/appointments', permission: 'appointment.book', success: 201, url: () => '/api/appointments',
    body: (t) => ({ locationId: t.appointmentLocationId, startsAt: new Date(t.appointmentBaseMs + (unique() % 20) * 3_600_000).toISOString(), business: 'billing', customerName: '窗口预约', phone: `1350${String(unique()).padStart(7, '0')}` }),
  },
  {
    method: 'POST', path: '/api/appointments/{id}/move', permission: 'appointment.book', success: 200, url: (t) => `/api/appointments/${t.appointmentMoveId}/move`,
    body: (t) => ({ locationId: t.appointmentLocationId, startsAt: new Date(t.appointmentBaseMs + (24 + (unique() % 24)) * 3_600_000).toISOString(), version: t.appointmentMoveVersion }),
  },
  {
    method: 'POST', path: '/api/appointments/{id}/cancel', permission: 'appointment.book', success: 200, url: (t) => `/api/appointments/${t.appointmentCancelId}/cancel`,
    body: (t) => ({ version: t.appointmentCancelVersion, reason: '客户来电取消' }),
  },
  { method: 'POST', path: '/api/appointments/{id}/arrive', permission: 'appointment.book', success: 200, url: (t) => `/api/appointments/${t.appointmentArriveId}/arrive`, body: (t) => ({ version: t.appointmentArriveVersion }) },
  // Online business applications (网上办). Stage actions need the current stage's role too, which no one role
  // has for every stage: a stale version is refused with 409 for every holder of the permission, before that.
  { method: 'GET', path: '/api/application-types', permission: 'application.read', success: 200, url: () => '/api/application-types' },
  // Process settings (业务流程设置): the administrator's; every change a new version.
  { method: 'GET', path: '/api/application-settings', permission: 'settings.manage', success: 200, url: () => '/api/application-settings' },
  {
    method: 'PATCH', path: '/api/application-settings', permission: 'settings.manage', success: 200, url: () => '/api/application-settings',
    body: (t) => ({ version: t.applicationSettingsVersion, firstReadingDays: 30 + (unique() % 300) }),
  },
  {
    method: 'PATCH', path: '/api/application-settings/types/{code}', permission: 'settings.manage', success: 200, url: () => '/api/application-settings/types/holder_change',
    body: (t) => ({ version: t.applicationSettingsVersion, stages: [{ code: 'final_reading', timeLimitDays: 1 + (unique() % 60) }] }),
  },
  { method: 'GET', path: '/api/applications', permission: 'application.read', success: 200, url: () => '/api/applications?typeCode=holder_change' },
  { method: 'GET', path: '/api/applications/statistics', permission: 'application.read', success: 200, url: () => '/api/applications/statistics' },
  { method: 'GET', path: '/api/applications/reading-routes', permission: 'application.work', success: 200, url: () => '/api/applications/reading-routes' },
  {
    method: 'POST', path: '/api/applications', permission: 'application.create', success: 201, url: () => '/api/applications',
    body: (t) => ({ typeCode: 'calibration', accountId: t.accountId, applicantName: '李建国', applicantPhone: '13700000000', details: { note: `柜台 ${unique()}` } }),
  },
  { method: 'GET', path: '/api/applications/{id}', permission: 'application.read', success: 200, url: (t) => `/api/applications/${t.applicationId}` },
  {
    method: 'POST', path: '/api/applications/{id}/documents', permission: 'application.create', success: 201, url: (t) => `/api/applications/${t.applicationId}/documents`,
    body: () => ({ material: 'id_card', file: { dataBase64: TINY_PNG_BASE64, fileName: `身份证 ${unique()}.png` } }),
  },
  { method: 'GET', path: '/api/applications/{id}/documents/{documentId}', permission: 'application.read', success: 200, url: (t) => `/api/applications/${t.applicationId}/documents/${t.applicationDocumentId}` },
  { method: 'POST', path: '/api/applications/{id}/claim', permission: 'application.work', success: '409 stale_version', readsOnly: true, url: (t) => `/api/applications/${t.applicationId}/claim`, body: (t) => ({ version: t.applicationVersion + 1000 }) },
  {
    method: 'POST', path: '/api/applications/{id}/advance', permission: 'application.work', success: '409 stale_version', readsOnly: true, url: (t) => `/api/applications/${t.applicationId}/advance`,
    body: (t) => ({ version: t.applicationVersion + 1000, stage: 'accept', outputs: {} }),
  },
  { method: 'POST', path: '/api/applications/{id}/return', permission: 'application.work', success: '409 stale_version', readsOnly: true, url: (t) => `/api/applications/${t.applicationId}/return`, body: (t) => ({ version: t.applicationVersion + 1000, reason: '请补充材料' }) },
  { method: 'POST', path: '/api/applications/{id}/reject', permission: 'application.work', success: '409 stale_version', readsOnly: true, url: (t) => `/api/applications/${t.applicationId}/reject`, body: (t) => ({ version: t.applicationVersion + 1000, reason: '不在供水范围' }) },
  { method: 'POST', path: '/api/applications/{id}/resubmit', permission: 'application.create', success: 200, url: (t) => `/api/applications/${t.returnedApplicationId}/resubmit`, body: (t) => ({ version: t.returnedApplicationVersion }) },
  {
    method: 'PATCH', path: '/api/staff/{id}/department', permission: 'staff.manage', success: 200, url: (t) => `/api/staff/${t.departmentStaffId}/department`,
    body: () => ({ department: ['customer_service', 'connection', 'design', 'quality'][unique() % 4] }),
  },
];

/** A flat tariff that passes validation, for the tariff endpoints. */
const TEST_TARIFF = {
  tierBasis: 'flat',
  tiers: [{ upToLitresPerYearOrMonth: null, waterPriceFenPerM3: 364 }],
  household: null,
  surcharges: [{ code: 'sewage', name: '污水处理费', priceFenPerM3: 136 }],
  fixedCharges: [],
  quota: null,
};

/** Portal endpoints, as a portal user who has bound the target's account calls them. */
export const PORTAL_ENDPOINTS: readonly Endpoint[] = [
  { method: 'GET', path: '/api/portal/me', success: 200, url: () => '/api/portal/me' },
  { method: 'POST', path: '/api/portal/logout', success: 204, url: () => '/api/portal/logout', endsSession: true },
  { method: 'GET', path: '/api/portal/accounts', success: 200, url: () => '/api/portal/accounts' },
  { method: 'GET', path: '/api/portal/accounts/{id}', success: 200, url: (t) => `/api/portal/accounts/${t.accountId}` },
  {
    method: 'POST', path: '/api/portal/bindings', success: 201, url: () => '/api/portal/bindings',
    body: (t) => ({ accountNo: t.accountNo, holderName: t.holderName }),
  },
  { method: 'DELETE', path: '/api/portal/bindings/{id}', success: 204, url: (t) => `/api/portal/bindings/${t.accountId}` },
  { method: 'GET', path: '/api/portal/accounts/{id}/readings', success: 200, url: (t) => `/api/portal/accounts/${t.accountId}/readings` },
  {
    method: 'POST', path: '/api/portal/accounts/{id}/readings', success: 201, url: (t) => `/api/portal/accounts/${t.accountId}/readings`,
    body: () => ({ registerLitres: 7_000_000 + unique() * 1000 }),
  },
  { method: 'GET', path: '/api/portal/accounts/{id}/money', success: 200, url: (t) => `/api/portal/accounts/${t.accountId}/money` },
  { method: 'GET', path: '/api/portal/accounts/{id}/payments', success: 200, url: (t) => `/api/portal/accounts/${t.accountId}/payments` },
  { method: 'GET', path: '/api/portal/payments/{id}/receipt', success: 200, url: (t) => `/api/portal/payments/${t.paymentId}/receipt` },
  {
    method: 'POST', path: '/api/portal/payment-orders', success: 201, url: () => '/api/portal/payment-orders',
    body: (t) => ({ accountId: t.accountId, channel: 'alipay', topupFen: 100 + unique() }),
  },
  { method: 'GET', path: '/api/portal/payment-orders/{id}', success: 200, url: (t) => `/api/portal/payment-orders/${t.paymentOrderId}` },
  { method: 'GET', path: '/api/portal/wechat', success: 200, url: () => '/api/portal/wechat' },
  { method: 'POST', path: '/api/portal/wechat/authorization', success: 201, url: () => '/api/portal/wechat/authorization', body: () => ({ returnPath: '/portal/pay' }) },
  // Without a state it started, the callback binds nothing and sends the browser back saying so.
  { method: 'GET', path: '/api/portal/wechat/oauth/callback', success: 303, url: () => '/api/portal/wechat/oauth/callback?code=x&state=unknownstate0000' },
  { method: 'GET', path: '/api/portal/service-categories', success: 200, url: () => '/api/portal/service-categories' },
  {
    method: 'POST', path: '/api/portal/service-requests', success: 201, url: () => '/api/portal/service-requests',
    body: (t) => ({ categoryId: t.serviceCategoryId, accountId: t.accountId, description: `网上咨询 ${unique()}`, confirmNotDuplicate: true }),
  },
  { method: 'GET', path: '/api/portal/service-requests/duplicates', success: 200, url: (t) => `/api/portal/service-requests/duplicates?categoryId=${t.serviceCategoryId}&accountId=${t.accountId}` },
  {
    method: 'POST', path: '/api/portal/service-requests/{id}/contacts', success: 201, url: (t) => `/api/portal/service-requests/${t.serviceRequestId}/contacts`,
    body: () => ({ note: `我家也漏水 ${unique()}` }),
  },
  { method: 'GET', path: '/api/portal/service-requests/{id}/rating', success: 200, url: (t) => `/api/portal/service-requests/${t.serviceRequestId}/rating` },
  // The target's request is not closed: rating it is refused (409 not_closed).
  { method: 'POST', path: '/api/portal/service-requests/{id}/rating', success: 409, url: (t) => `/api/portal/service-requests/${t.serviceRequestId}/rating`, body: () => ({ rating: 5 }) },
  { method: 'GET', path: '/api/portal/service-requests', success: 200, url: () => '/api/portal/service-requests' },
  { method: 'GET', path: '/api/portal/service-requests/{id}', success: 200, url: (t) => `/api/portal/service-requests/${t.serviceRequestId}` },
  {
    method: 'POST', path: '/api/portal/service-requests/{id}/photos', success: 201, url: (t) => `/api/portal/service-requests/${t.photoRequestId}/photos`,
    body: () => ({ photo: { dataBase64: TINY_PNG_BASE64, fileName: `漏水 ${unique()}.png` } }),
  },
  { method: 'GET', path: '/api/portal/service-requests/{id}/photos/{photoId}', success: 200, url: (t) => `/api/portal/service-requests/${t.photoRequestId}/photos/${t.servicePhotoId}` },
  { method: 'GET', path: '/api/portal/accounts/{id}/bills', success: 200, url: (t) => `/api/portal/accounts/${t.accountId}/bills` },
  { method: 'GET', path: '/api/portal/accounts/{id}/usage', success: 200, url: (t) => `/api/portal/accounts/${t.accountId}/usage` },
  { method: 'GET', path: '/api/portal/bills/{id}', success: 200, url: (t) => `/api/portal/bills/${t.billId}` },
  { method: 'GET', path: '/api/portal/bills/{id}/pdf', success: 200, url: (t) => `/api/portal/bills/${t.billId}/pdf` },
  { method: 'GET', path: '/api/portal/appointment-locations', success: 200, url: () => '/api/portal/appointment-locations?business=billing' },
  { method: 'GET', path: '/api/portal/appointment-locations/{id}/days', success: 200, url: (t) => `/api/portal/appointment-locations/${t.appointmentLocationId}/days` },
  { method: 'GET', path: '/api/portal/appointment-locations/{id}/slots', success: 200, url: (t) => `/api/portal/appointment-locations/${t.appointmentLocationId}/slots?date=2026-03-03` },
  { method: 'GET', path: '/api/portal/appointments', success: 200, url: () => '/api/portal/appointments' },
  { method: 'GET', path: '/api/portal/appointments/{id}', success: 200, url: (t) => `/api/portal/appointments/${t.portalAppointmentId}` },
  {
    method: 'POST', path: '/api/portal/appointments', success: 201, url: () => '/api/portal/appointments',
    body: (t) => ({ locationId: t.appointmentLocationId, startsAt: new Date(t.appointmentBaseMs + (unique() % 20) * 3_600_000).toISOString(), business: 'holder_change', customerName: '王秀英' }),
  },
  {
    method: 'POST', path: '/api/portal/appointments/{id}/move', success: 200, url: (t) => `/api/portal/appointments/${t.portalAppointmentId}/move`,
    body: (t) => ({ locationId: t.appointmentLocationId, startsAt: new Date(t.appointmentBaseMs + (48 + (unique() % 24)) * 3_600_000).toISOString(), version: t.portalAppointmentVersion }),
  },
  { method: 'POST', path: '/api/portal/appointments/{id}/cancel', success: 200, url: (t) => `/api/portal/appointments/${t.portalAppointmentId}/cancel`, body: (t) => ({ version: t.portalAppointmentVersion }) },
  {
    method: 'POST', path: '/api/portal/applications', success: 201, url: () => '/api/portal/applications',
    body: (t) => ({ typeCode: 'calibration', accountId: t.accountId, applicantName: t.holderName, details: { note: `网上 ${unique()}` } }),
  },
  { method: 'GET', path: '/api/portal/applications', success: 200, url: () => '/api/portal/applications' },
  { method: 'GET', path: '/api/portal/applications/{id}', success: 200, url: (t) => `/api/portal/applications/${t.applicationId}` },
  {
    method: 'POST', path: '/api/portal/applications/{id}/documents', success: 201, url: (t) => `/api/portal/applications/${t.applicationId}/documents`,
    body: () => ({ material: 'id_card', file: { dataBase64: TINY_PNG_BASE64, fileName: `身份证 ${unique()}.png` } }),
  },
  { method: 'GET', path: '/api/portal/applications/{id}/documents/{documentId}', success: 200, url: (t) => `/api/portal/applications/${t.applicationId}/documents/${t.applicationDocumentId}` },
  { method: 'POST', path: '/api/portal/applications/{id}/resubmit', success: 200, url: (t) => `/api/portal/applications/${t.returnedApplicationId}/resubmit`, body: (t) => ({ version: t.returnedApplicationVersion }) },
];

/** Endpoints anyone may call. */
export const PUBLIC_ENDPOINTS: readonly Endpoint[] = [
  { method: 'GET', path: '/api/health', success: 200, url: () => '/api/health' },
  // The channels' notifications: without a valid signature they are refused (and logged), whoever sends them.
  { method: 'POST', path: '/api/payments/notify/wechatpay/{tenant}', success: 400, url: (t) => `/api/payments/notify/wechatpay/${t.tenantCode}` },
  { method: 'POST', path: '/api/payments/notify/alipay/{tenant}', success: 200, url: (t) => `/api/payments/notify/alipay/${t.tenantCode}` },
  // The government app's partner API: without signature headers every call is refused (401) and logged.
  { method: 'GET', path: '/api/gov/{tenant}/bills', success: 401, url: (t) => `/api/gov/${t.tenantCode}/bills?accountNo=${t.accountNo}` },
  { method: 'POST', path: '/api/gov/{tenant}/payments', success: 401, url: (t) => `/api/gov/${t.tenantCode}/payments` },
  { method: 'GET', path: '/api/gov/{tenant}/statements', success: 401, url: (t) => `/api/gov/${t.tenantCode}/statements?date=${t.today}` },
  // The city 12345 platform's signed API: without signature headers every call is refused (401) and logged.
  { method: 'POST', path: '/api/city12345/{tenant}/orders', success: 401, url: (t) => `/api/city12345/${t.tenantCode}/orders` },
  { method: 'GET', path: '/api/city12345/{tenant}/orders/{orderNo}', success: 401, url: (t) => `/api/city12345/${t.tenantCode}/orders/SZ0000000001` },
  { method: 'GET', path: '/api/tenants', success: 200, url: () => '/api/tenants' },
  // 公开业务办理流程: every application type with its stages, roles, time limits and materials.
  { method: 'GET', path: '/api/public/processes', success: 200, url: (t) => `/api/public/processes?tenant=${t.tenantCode}` },
  // SMS rating links (no login): a token nobody was sent is refused.
  { method: 'GET', path: '/api/service-ratings/{tenant}/{token}', success: 404, url: (t) => `/api/service-ratings/${t.tenantCode}/${'1'.repeat(24)}` },
  { method: 'POST', path: '/api/service-ratings/{tenant}/{token}', success: 404, url: (t) => `/api/service-ratings/${t.tenantCode}/${'1'.repeat(24)}`, body: () => ({ rating: 5 }) },
  {
    method: 'POST', path: '/api/staff/login', success: 200, url: () => '/api/staff/login',
    body: (t) => ({ tenant: t.tenantCode, username: 'counter-clerk', password: TEST_PASSWORD }),
  },
  { method: 'POST', path: '/api/portal/otp', success: 202, url: () => '/api/portal/otp', body: (t) => ({ tenant: t.tenantCode, phone: '13400000000' }) },
  {
    method: 'POST', path: '/api/portal/login', success: 401, url: () => '/api/portal/login',
    body: (t) => ({ tenant: t.tenantCode, phone: '13400000000', code: '000000' }),
  },
];

export const isPublicPath = (path: string): boolean =>
  PUBLIC_ENDPOINTS.some((endpoint) => endpoint.path === path) || path === '/api/docs' || path.startsWith('/api/docs/');

export const takesId = (endpoint: Endpoint): boolean => endpoint.path.includes('{id}');

export const describeEndpoint = (endpoint: Endpoint): string => `${endpoint.method} ${endpoint.path}`;

/** Whether a role may call a staff endpoint, by the role table. */
export function mayCall(role: Role, endpoint: StaffEndpoint): boolean {
  return endpoint.permission === 'staff session' || permissionsOf([role]).includes(endpoint.permission);
}

/** A role whose permissions include the given one (the first in the role table). */
export function aRoleWith(permission: Permission, roles: readonly Role[]): Role {
  const role = roles.find((candidate) => permissionsOf([candidate]).includes(permission));
  if (!role) throw new Error(`no role has ${permission}`);
  return role;
}

/**
 * The household's records as they stand, with a contact and a premise free for a new account created
 * directly in the database when earlier requests used them up.
 */
export async function currentTarget(environment: TestEnvironment, utility: Utility, household: CustomerWithAccount): Promise<Target> {
  const tenantId = utility.tenant.id;
  return environment.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ customer: number; name: string; premise: number; account: number; account_no: string; meter: number }>(
      `SELECT c.version AS customer, c.name, p.version AS premise, a.version AS account, a.account_no, m.version AS meter
       FROM customers c, premises p, accounts a, meters m WHERE c.id = $1 AND p.id = $2 AND a.id = $3 AND m.id = $4`,
      [household.customer.id, household.premise.id, household.account.id, household.meter.id],
    );
    const current = rows[0];
    if (!current) throw new Error('the household is gone');
    const contacts = await sql.query<{ id: string }>('SELECT id FROM contacts WHERE customer_id = $1 ORDER BY created_at, id LIMIT 1', [household.customer.id]);
    const contactId =
      contacts[0]?.id ??
      (
        await sql.query<{ id: string }>(
          "INSERT INTO contacts (tenant_id, customer_id, name, relation, phone) VALUES ($1, $2, '备用联系人', '子女', '13500000001') RETURNING id",
          [tenantId, household.customer.id],
        )
      )[0]?.id;
    const free = await sql.query<{ id: string }>(
      "SELECT p.id FROM premises p WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.premise_id = p.id AND a.status <> 'closed') ORDER BY p.created_at, p.id LIMIT 1",
    );
    const freePremiseId =
      free[0]?.id ?? (await insertPremise(environment.context, sql, tenantId, { district: '江岸区', street: '空置路', address: `${unique()}号空置房` })).id;
    if (!contactId) throw new Error('no contact');
    const reading = await ensureReadingTarget(environment, sql, tenantId, household);
    const runs = await sql.query<{ id: string }>('SELECT id FROM billing_runs ORDER BY created_at, id LIMIT 1');
    const billingRunId =
      runs[0]?.id ??
      (
        await sql.query<{ id: string }>(
          "INSERT INTO billing_runs (tenant_id, period, route_ids, status, started_by, created_at, finished_at) VALUES ($1, '2025-12', '{}', 'completed', 'test', now(), now()) RETURNING id",
          [tenantId],
        )
      )[0]?.id;
    if (!billingRunId) throw new Error('no billing run');
    const bills = await sql.query<{ id: string }>("SELECT id FROM bills WHERE account_id = $1 AND kind = 'regular' ORDER BY period DESC LIMIT 1", [household.account.id]);
    const billId = bills[0]?.id ?? (await insertRegularBill(sql, tenantId, household.account.id, { period: '2026-02', consumptionLitres: 12_000 })).id;
    const tariffs = await currentTariffs(environment, sql, tenantId, household);
    const settings = await sql.query<{ version: number }>('SELECT version FROM tenant_settings');
    const processSettings = await sql.query<{ version: number }>('SELECT version FROM application_settings');
    const money = await ensureMoneyTarget(sql, tenantId, household, reading.today, environment.clock.now());
    const collection = await ensureCollectionTarget(sql, tenantId, household, reading.today, environment.clock.now());
    const withholding = await ensureWithholdingTarget(environment.context.cipher, sql, tenantId, household, reading.today, environment.clock.now());
    const service = await ensureServiceTarget(sql, tenantId, household, environment.clock.now());
    const desk = await ensureServiceDeskTarget(environment.context.cipher, sql, tenantId, service.serviceRequestId, environment.clock.now());
    const media = await ensureServiceMediaTarget(sql, environment.config.dataDir, tenantId, household, environment.clock.now());
    const integration = await ensureIntegrationTarget(environment.context.cipher, sql, tenantId, household, environment.clock.now());
    const appointments = await ensureAppointmentTarget(sql, tenantId, environment.clock.now());
    const applications = await ensureApplicationTarget(sql, environment.config.dataDir, tenantId, household, environment.clock.now());
    return {
      ...money,
      ...collection,
      ...withholding,
      ...service,
      ...desk,
      ...media,
      ...integration,
      ...appointments,
      ...applications,
      settingsVersion: settings[0]?.version ?? 1,
      applicationSettingsVersion: processSettings[0]?.version ?? 0,
      tenantCode: utility.tenant.code,
      customerId: household.customer.id,
      customerVersion: current.customer,
      holderName: current.name,
      contactId,
      premiseId: household.premise.id,
      premiseVersion: current.premise,
      accountId: household.account.id,
      accountNo: current.account_no,
      accountVersion: current.account,
      meterId: household.meter.id,
      meterVersion: current.meter,
      freePremiseId,
      ...reading,
      billingRunId,
      billId,
      ...tariffs,
    };
  });
}

/** The tables that carry a tenant_id, from the catalog; partitions are reached through their parent. */
export async function tenantOwnedTables(environment: TestEnvironment): Promise<string[]> {
  const rows = await environment.ownerQuery<{ table: string }>(
    `SELECT c.relname AS table FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
     ORDER BY c.relname`,
  );
  return rows.map((row) => row.table);
}

export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** How many rows each tenant-owned table holds for one tenant. */
export async function rowCounts(environment: TestEnvironment, tables: readonly string[], tenantId: string): Promise<Record<string, number>> {
  const rows = await environment.db.withTenant(tenantId, (sql) =>
    sql.query<{ table: string; count: number }>(tables.map((table) => `SELECT '${table}' AS table, count(*)::int AS count FROM ${quoteIdentifier(table)}`).join(' UNION ALL ')),
  );
  return Object.fromEntries(rows.map((row) => [row.table, row.count]));
}

export interface ErrorBody {
  code: string;
  message: { zh: string; en: string };
  fields: { field: string; zh: string; en: string }[];
}

/** A status line for failure messages: the status and the error code, if any. */
export const outcome = (response: Response): string =>
  // Only errors carry a code to show: a successful answer may have a `code` of its own (a category's).
  `${response.status}${response.status >= 400 && (response.body as Partial<ErrorBody> | undefined)?.code ? ` ${(response.body as ErrorBody).code}` : ''}`;

/**
 * A residential category with a version in force since 2024 and a latest version that has not taken effect
 * (made when earlier requests withdrew it), and the category set on the household's account.
 */
async function currentTariffs(environment: TestEnvironment, sql: Sql, tenantId: string, household: CustomerWithAccount) {
  const categories = await sql.query<{ id: string }>("SELECT id FROM water_categories WHERE account_class = 'residential' ORDER BY created_at, id LIMIT 1");
  const waterCategoryId =
    categories[0]?.id ??
    (
      await sql.query<{ id: string }>(
        "INSERT INTO water_categories (tenant_id, code, name, name_en, account_class, is_default_for_class) VALUES ($1, 'RES', '居民生活用水', 'Residential', 'residential', true) RETURNING id",
        [tenantId],
      )
    )[0]?.id;
  if (!waterCategoryId) throw new Error('no water category');
  const latest = async () =>
    (await sql.query<{ id: string; version: number; effective_from: string }>(
      'SELECT id, version, effective_from FROM tariff_versions WHERE water_category_id = $1 AND withdrawn_at IS NULL ORDER BY effective_from DESC LIMIT 1',
      [waterCategoryId],
    ))[0];
  const addVersion = async (effectiveFrom: string) => {
    const previous = await latest();
    if (previous) await sql.query('UPDATE tariff_versions SET effective_to = $2 WHERE id = $1', [previous.id, effectiveFrom]);
    const [next] = await sql.query<{ next: number }>('SELECT coalesce(max(version), 0) + 1 AS next FROM tariff_versions WHERE water_category_id = $1', [waterCategoryId]);
    await sql.query(
      "INSERT INTO tariff_versions (tenant_id, water_category_id, version, effective_from, definition, created_by) VALUES ($1, $2, $3, $4, $5, 'test')",
      [tenantId, waterCategoryId, next?.next ?? 1, effectiveFrom, JSON.stringify(TEST_TARIFF)],
    );
  };
  if (!(await latest())) await addVersion('2024-01-01');
  const today = environment.clock.now().toISOString().slice(0, 10);
  if (((await latest())?.effective_from ?? '') <= today) await addVersion(new Date(environment.clock.now().getTime() + 300 * 86_400_000).toISOString().slice(0, 10));
  const tariffVersionId = (await latest())?.id;
  if (!tariffVersionId) throw new Error('no tariff version');
  const [account] = await sql.query<{ water_category_id: string | null }>('SELECT water_category_id FROM accounts WHERE id = $1', [household.account.id]);
  return { waterCategoryId, accountWaterCategoryId: account?.water_category_id ?? null, tariffVersionId };
}
