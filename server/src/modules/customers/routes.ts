import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { portalActor, portalGuard, portalUserOf, staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { findTenantById } from '../tenancy';
import { openAccount, updateAccount } from './accounts';
import { getCustomer360 } from './customer360';
import { addContact, createCustomer, removeContact, revealCustomerField, updateContact, updateCustomer } from './customers';
import { bindAccount, getBoundAccount, listBoundAccounts, unbindAccount } from './portal';
import { createPremise, getPremise, listDistricts, updatePremise } from './premises';
import {
  accountPatchSchema,
  accountSchema,
  bindingRequestSchema,
  contactPatchSchema,
  contactSchema,
  customer360Schema,
  customerPatchSchema,
  customerSchema,
  districtSchema,
  newAccountSchema,
  newContactSchema,
  newCustomerSchema,
  newPremiseSchema,
  portalAccountSchema,
  premisePatchSchema,
  premiseSchema,
  revealRequestSchema,
  revealResponseSchema,
  searchQuerySchema,
  searchResultSchema,
} from './schemas';
import { searchCustomers } from './search';

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  429: errorResponseSchema,
};
const noContent = z.null().describe('No content');
const read = [{ staffSession: [] }];
const write = [{ staffSession: [], csrfToken: [] }];

export function registerCustomerRoutes(app: App, context: PlatformContext): void {
  app.get(
    '/api/customers',
    {
      preValidation: staffGuard(context, 'customer.read'),
      schema: {
        tags: ['customers'],
        summary: 'Find customers by account number, name, phone, ID number or address',
        security: read,
        querystring: searchQuerySchema,
        response: { 200: z.object({ results: z.array(searchResultSchema), tookMs: z.number().int() }), ...errors },
      },
    },
    async (request) => {
      const started = performance.now();
      const results = await searchCustomers(context, staffOf(request).tenantId, request.query.q, request.query.limit);
      return { results, tookMs: Math.round(performance.now() - started) };
    },
  );

  app.post(
    '/api/customers',
    {
      preValidation: staffGuard(context, 'customer.write'),
      schema: { tags: ['customers'], summary: 'Create a customer', security: write, body: newCustomerSchema, response: { 201: customerSchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await createCustomer(context, staffOf(request).tenantId, request.body, staffActor(request))),
  );

  app.get(
    '/api/customers/:id',
    {
      preValidation: staffGuard(context, 'customer.read'),
      schema: { tags: ['customers'], summary: 'Customer 360: customer, accounts, premises, meters, contacts, history', security: read, params: uuidParamsSchema, response: { 200: customer360Schema, ...errors } },
    },
    async (request) => getCustomer360(context, staffOf(request).tenantId, request.params.id),
  );

  app.patch(
    '/api/customers/:id',
    {
      preValidation: staffGuard(context, 'customer.write'),
      schema: {
        tags: ['customers'],
        summary: 'Change a customer (send the version you read; 409 if someone changed it since)',
        security: write,
        params: uuidParamsSchema,
        body: customerPatchSchema,
        response: { 200: customerSchema, ...errors },
      },
    },
    async (request) => updateCustomer(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  app.post(
    '/api/customers/:id/reveal',
    {
      preValidation: staffGuard(context, 'customer.reveal'),
      schema: {
        tags: ['customers'],
        summary: 'Show a full phone or ID number (recorded in the audit log)',
        security: write,
        params: uuidParamsSchema,
        body: revealRequestSchema,
        response: { 200: revealResponseSchema, ...errors },
      },
    },
    async (request) => ({
      field: request.body.field,
      value: await revealCustomerField(context, staffOf(request).tenantId, request.params.id, request.body.field, staffActor(request)),
    }),
  );

  app.post(
    '/api/customers/:id/contacts',
    {
      preValidation: staffGuard(context, 'customer.write'),
      schema: { tags: ['customers'], summary: 'Add a contact person', security: write, params: uuidParamsSchema, body: newContactSchema, response: { 201: contactSchema, ...errors } },
    },
    async (request, reply) =>
      reply.code(201).send(await addContact(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request))),
  );

  app.patch(
    '/api/contacts/:id',
    {
      preValidation: staffGuard(context, 'customer.write'),
      schema: { tags: ['customers'], summary: 'Change a contact person', security: write, params: uuidParamsSchema, body: contactPatchSchema, response: { 200: contactSchema, ...errors } },
    },
    async (request) => updateContact(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  app.delete(
    '/api/contacts/:id',
    {
      preValidation: staffGuard(context, 'customer.write'),
      schema: { tags: ['customers'], summary: 'Remove a contact person', security: write, params: uuidParamsSchema, response: { 204: noContent, ...errors } },
    },
    async (request, reply) => {
      await removeContact(context, staffOf(request).tenantId, request.params.id, staffActor(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/districts',
    {
      preValidation: staffGuard(context, 'customer.read'),
      schema: { tags: ['customers'], summary: 'Districts and streets in use, for address pickers', security: read, response: { 200: z.object({ districts: z.array(districtSchema) }), ...errors } },
    },
    async (request) => ({ districts: await listDistricts(context, staffOf(request).tenantId) }),
  );

  app.get(
    '/api/premises/:id',
    {
      preValidation: staffGuard(context, 'customer.read'),
      schema: { tags: ['customers'], summary: 'One premise (service address)', security: read, params: uuidParamsSchema, response: { 200: premiseSchema, ...errors } },
    },
    async (request) => getPremise(context, staffOf(request).tenantId, request.params.id),
  );

  app.post(
    '/api/premises',
    {
      preValidation: staffGuard(context, 'premise.write'),
      schema: { tags: ['customers'], summary: 'Register a premise (service address)', security: write, body: newPremiseSchema, response: { 201: premiseSchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await createPremise(context, staffOf(request).tenantId, request.body, staffActor(request))),
  );

  app.patch(
    '/api/premises/:id',
    {
      preValidation: staffGuard(context, 'premise.write'),
      schema: { tags: ['customers'], summary: 'Change a premise address', security: write, params: uuidParamsSchema, body: premisePatchSchema, response: { 200: premiseSchema, ...errors } },
    },
    async (request) => updatePremise(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  app.post(
    '/api/accounts',
    {
      preValidation: staffGuard(context, 'account.write'),
      schema: { tags: ['customers'], summary: 'Open an account (户号 assigned)', security: write, body: newAccountSchema, response: { 201: accountSchema, ...errors } },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const tenant = await findTenantById(context, staff.tenantId);
      return reply.code(201).send(await openAccount(context, staff.tenantId, tenant.timeZone, request.body, staffActor(request)));
    },
  );

  app.patch(
    '/api/accounts/:id',
    {
      preValidation: staffGuard(context, 'account.write'),
      schema: { tags: ['customers'], summary: 'Change an account', security: write, params: uuidParamsSchema, body: accountPatchSchema, response: { 200: accountSchema, ...errors } },
    },
    async (request) => updateAccount(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  // ---- portal: a customer's own accounts ----
  const portalRead = [{ portalSession: [] }];
  const portalWrite = [{ portalSession: [], csrfToken: [] }];

  app.get(
    '/api/portal/accounts',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: 'Accounts bound to the logged-in customer', security: portalRead, response: { 200: z.object({ accounts: z.array(portalAccountSchema) }), ...errors } },
    },
    async (request) => {
      const user = portalUserOf(request);
      return { accounts: await listBoundAccounts(context, user.tenantId, user.portalUserId) };
    },
  );

  app.get(
    '/api/portal/accounts/:id',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: 'One bound account', security: portalRead, params: uuidParamsSchema, response: { 200: portalAccountSchema, ...errors } },
    },
    async (request) => {
      const user = portalUserOf(request);
      return getBoundAccount(context, user.tenantId, user.portalUserId, request.params.id);
    },
  );

  app.post(
    '/api/portal/bindings',
    {
      preValidation: portalGuard(context),
      schema: {
        tags: ['portal'],
        summary: 'Bind an account by account number and holder name',
        security: portalWrite,
        body: bindingRequestSchema,
        response: { 201: portalAccountSchema, ...errors },
      },
    },
    async (request, reply) => {
      const user = portalUserOf(request);
      return reply.code(201).send(await bindAccount(context, user.tenantId, user.portalUserId, request.body, portalActor(request)));
    },
  );

  app.delete(
    '/api/portal/bindings/:id',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: 'Unbind an account', security: portalWrite, params: uuidParamsSchema, response: { 204: noContent, ...errors } },
    },
    async (request, reply) => {
      const user = portalUserOf(request);
      await unbindAccount(context, user.tenantId, user.portalUserId, request.params.id, portalActor(request));
      return reply.code(204).send(null);
    },
  );
}
