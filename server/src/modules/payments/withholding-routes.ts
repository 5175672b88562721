import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { DomainError } from '../../platform/errors';
import { staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { findTenantById } from '../tenancy';
import { paymentErrors, staffRead, staffWrite } from './routes';
import { batchFile, cancelMandate, createBatch, createMandate, getBatch, importBatchResult, listBatches, listMandates, revealMandateBankAccount, DEFAULT_WITHHOLDING_ADAPTER } from './withholding';

const fen = z.int().meta({ description: 'Integer fen (分)' });
const bankCode = z.string().regex(/^[A-Z0-9]{2,20}$/).meta({ description: "The bank's code as the utility's agreement names it (e.g. ICBC, or a 12-digit 联行号)" });

export const mandateSchema = z
  .object({
    id: z.uuid(),
    accountId: z.uuid(),
    accountNo: z.string(),
    bankCode: z.string(),
    bankAccountMasked: z.string().meta({ description: 'First and last four digits only (6222 **** **** 1234); the full number only through the audited reveal' }),
    holderName: z.string(),
    signedOn: z.iso.date(),
    status: z.enum(['active', 'cancelled']),
    createdAt: z.iso.datetime(),
    cancelledAt: z.iso.datetime().nullable(),
    cancelReason: z.string().nullable(),
  })
  .meta({ id: 'WithholdingMandate' });

const newMandateSchema = z
  .strictObject({
    accountId: z.uuid(),
    bankCode,
    bankAccountNo: z.string().regex(/^\d{8,32}$/, 'must be 8–32 digits').meta({ description: 'The bank account to debit (sensitive personal information: stored encrypted)' }),
    holderName: z.string().trim().min(1).max(60).meta({ description: 'Account holder as the bank knows it (户名)' }),
    signedOn: z.iso.date().meta({ description: 'The date the customer signed the mandate form' }),
  })
  .meta({ id: 'NewWithholdingMandate' });

const batchSummarySchema = z
  .object({
    id: z.uuid(),
    batchNo: z.string(),
    bankCode: z.string(),
    adapterId: z.string(),
    utilityCode: z.string(),
    createdOn: z.iso.date(),
    status: z.enum(['sent', 'completed', 'expired']).meta({ description: 'expired: no result file came within the utility’s limit (collection.withholdingResultDays); its items were released and a result file for it is refused' }),
    itemCount: z.int(),
    totalFen: fen,
    successCount: z.int(),
    successFen: fen,
    failedCount: z.int(),
    failedFen: fen,
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    resultImportedAt: z.iso.datetime().nullable(),
    expiredAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'WithholdingBatchSummary' });

const batchItemSchema = z
  .object({
    sequence: z.int(),
    mandateId: z.uuid(),
    accountId: z.uuid(),
    accountNo: z.string(),
    holderName: z.string(),
    bankAccountMasked: z.string(),
    amountFen: fen,
    billRef: z.string(),
    status: z.enum(['sent', 'succeeded', 'failed', 'expired']),
    failureCode: z.string().nullable(),
    failureReason: z.string().nullable(),
    bankRef: z.string().nullable(),
    settledOn: z.iso.date().nullable(),
    paymentId: z.uuid().nullable(),
    receiptNo: z.string().nullable(),
  })
  .meta({ id: 'WithholdingBatchItem' });

const batchDetailSchema = batchSummarySchema.extend({ items: z.array(batchItemSchema) }).meta({ id: 'WithholdingBatchDetail' });

const newBatchSchema = z
  .strictObject({
    bankCode,
    adapterId: z.string().min(1).max(40).optional().meta({ description: `The bank's file format (default ${DEFAULT_WITHHOLDING_ADAPTER})` }),
    utilityCode: z.string().regex(/^[A-Za-z0-9]{1,20}$/).optional().meta({ description: "The utility's code at the bank (default: its tenant code in capitals)" }),
  })
  .meta({ id: 'NewWithholdingBatch' });

const resultUploadSchema = z
  .strictObject({ file: z.base64().min(4).max(2_000_000).meta({ description: "The bank's result file (回盘文件), base64" }) })
  .meta({ id: 'WithholdingResultUpload' });

const fileResponse = {
  description: "The request file for the bank (扣款文件) in the batch's format; it holds full bank account numbers, and every download is audited",
  content: { 'text/plain': { schema: z.string().meta({ format: 'binary' }) } },
};

const limitQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/** Bank withholding (银行代扣): mandates, batches, the bank's files. */
export function registerWithholdingRoutes(app: App, context: PlatformContext): void {
  app.get(
    '/api/withholding/mandates',
    {
      preValidation: staffGuard(context, 'withholding.manage'),
      schema: {
        tags: ['withholding'],
        summary: 'Withholding mandates (代扣协议), newest first; bank accounts masked',
        security: staffRead,
        querystring: limitQuery.extend({ accountId: z.uuid().optional(), status: z.enum(['active', 'cancelled']).optional() }),
        response: { 200: z.object({ mandates: z.array(mandateSchema) }), ...paymentErrors },
      },
    },
    async (request) => ({ mandates: await listMandates(context, staffOf(request).tenantId, request.query) }),
  );

  app.post(
    '/api/withholding/mandates',
    {
      preValidation: staffGuard(context, 'withholding.manage'),
      schema: {
        tags: ['withholding'],
        summary: "Record a customer's signed withholding mandate for an account; it supersedes the account's active one",
        security: staffWrite,
        body: newMandateSchema,
        response: { 201: mandateSchema, ...paymentErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await createMandate(context, staffOf(request).tenantId, request.body, staffActor(request))),
  );

  app.post(
    '/api/withholding/mandates/:id/cancel',
    {
      preValidation: staffGuard(context, 'withholding.manage'),
      schema: {
        tags: ['withholding'],
        summary: 'Cancel (解约) a withholding mandate; items already sent to the bank keep their result',
        security: staffWrite,
        params: uuidParamsSchema,
        body: z.strictObject({ reason: z.string().trim().min(1).max(200).optional() }).meta({ id: 'WithholdingMandateCancel' }),
        response: { 200: mandateSchema, ...paymentErrors },
      },
    },
    async (request) => cancelMandate(context, staffOf(request).tenantId, request.params.id, request.body.reason, staffActor(request)),
  );

  app.post(
    '/api/withholding/mandates/:id/reveal',
    {
      preValidation: staffGuard(context, 'withholding.manage'),
      schema: {
        tags: ['withholding'],
        summary: "The mandate's full bank account number; every reveal is written to the audit log",
        security: staffWrite,
        params: uuidParamsSchema,
        response: { 200: z.object({ bankAccountNo: z.string() }), ...paymentErrors },
      },
    },
    async (request) => ({ bankAccountNo: await revealMandateBankAccount(context, staffOf(request).tenantId, request.params.id, staffActor(request)) }),
  );

  app.get(
    '/api/withholding/batches',
    {
      preValidation: staffGuard(context, 'withholding.manage'),
      schema: { tags: ['withholding'], summary: 'Withholding batches, newest first', security: staffRead, querystring: limitQuery, response: { 200: z.object({ batches: z.array(batchSummarySchema) }), ...paymentErrors } },
    },
    async (request) => ({ batches: await listBatches(context, staffOf(request).tenantId, request.query.limit) }),
  );

  app.post(
    '/api/withholding/batches',
    {
      preValidation: staffGuard(context, 'withholding.manage'),
      schema: {
        tags: ['withholding'],
        summary: "Make a batch for a bank: every active mandate's account with something owed on open bills (oldest first) and not already asked for in a batch awaiting its result",
        security: staffWrite,
        body: newBatchSchema,
        response: { 201: batchDetailSchema, ...paymentErrors },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const tenant = await findTenantById(context, staff.tenantId);
      return reply.code(201).send(await createBatch(context, { id: tenant.id, code: tenant.code }, request.body, staffActor(request)));
    },
  );

  app.get(
    '/api/withholding/batches/:id',
    {
      preValidation: staffGuard(context, 'withholding.manage'),
      schema: { tags: ['withholding'], summary: 'A withholding batch with its items and their results', security: staffRead, params: uuidParamsSchema, response: { 200: batchDetailSchema, ...paymentErrors } },
    },
    async (request) => getBatch(context, staffOf(request).tenantId, request.params.id),
  );

  app.get(
    '/api/withholding/batches/:id/file',
    {
      preValidation: staffGuard(context, 'withholding.manage'),
      schema: { tags: ['withholding'], summary: "Download the batch's request file for the bank (audited)", security: staffRead, params: uuidParamsSchema, response: { 200: fileResponse, ...paymentErrors } },
    },
    async (request, reply) => {
      const file = await batchFile(context, staffOf(request).tenantId, request.params.id, staffActor(request));
      return reply
        .type('text/plain')
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(file.bytes as never);
    },
  );

  app.post(
    '/api/withholding/batches/:id/result',
    {
      preValidation: staffGuard(context, 'withholding.manage'),
      schema: {
        tags: ['withholding'],
        summary: "Import the bank's result file: each success becomes one payment, failures keep the bank's reason; any problem in the file: 400 listing all, nothing written; the same file again changes nothing",
        security: staffWrite,
        params: uuidParamsSchema,
        body: resultUploadSchema,
        response: { 200: z.object({ batch: batchDetailSchema, applied: z.int(), unchanged: z.int() }).meta({ id: 'WithholdingResultImport' }), ...paymentErrors },
      },
    },
    async (request) => {
      const bytes = Buffer.from(request.body.file, 'base64');
      if (bytes.length === 0) throw new DomainError('validation', 'validation_failed', '文件为空', 'The file is empty', [{ field: 'file', zh: '文件为空', en: 'is empty' }]);
      return importBatchResult(context, staffOf(request).tenantId, request.params.id, bytes, staffActor(request));
    },
  );
}
