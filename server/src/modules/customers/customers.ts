import { changedFields, recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { nextCounterValue } from '../../platform/db/counters';
import type { Sql } from '../../platform/db/database';
import { notFound, staleVersion } from '../../platform/errors';
import { maskIdNumber, maskPhone } from '../../platform/masking';
import { CONTACT_COLUMNS, CUSTOMER_COLUMNS, toContact, toCustomer, type ContactRow, type CustomerRow } from './rows';
import type { Contact, ContactPatch, Customer, CustomerPatch, NewContact, NewCustomer } from './schemas';

export const CUSTOMER = { zh: '客户', en: 'Customer' };
const CONTACT = { zh: '联系人', en: 'Contact' };

export async function findCustomer(sql: Sql, id: string, forUpdate = false): Promise<Customer> {
  const rows = await sql.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  if (!rows[0]) throw notFound(CUSTOMER);
  return toCustomer(rows[0]);
}

/** What the audit log keeps of a customer: personal data only in masked form. */
const auditView = ({ id: _id, version: _version, createdAt: _created, updatedAt: _updated, ...rest }: Customer) => rest;

function encryptedId(context: PlatformContext, idNumber: string | null | undefined) {
  if (!idNumber) return { encrypted: null, blindIndex: null, masked: null };
  return { encrypted: context.cipher.encrypt(idNumber), blindIndex: context.cipher.blindIndex(idNumber), masked: maskIdNumber(idNumber) };
}

export async function newCustomerNo(sql: Sql, tenantId: string): Promise<string> {
  return `C${String(await nextCounterValue(sql, tenantId, 'customer_no', 10_000_000)).padStart(8, '0')}`;
}

/** Inserts a customer in the caller's transaction (used by the API and by the demo seed). */
export async function insertCustomer(context: PlatformContext, sql: Sql, tenantId: string, input: NewCustomer): Promise<Customer> {
  const id = encryptedId(context, input.idNumber);
  const rows = await sql.query<CustomerRow>(
    `INSERT INTO customers (tenant_id, customer_no, kind, name, phone, id_type, id_number_encrypted, id_number_blind_index, id_number_masked,
       email, is_important, important_note, is_special_care, special_care_note, notes, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING ${CUSTOMER_COLUMNS}`,
    [
      tenantId,
      await newCustomerNo(sql, tenantId),
      input.kind,
      input.name,
      input.phone ?? null,
      input.idNumber ? (input.idType ?? null) : null,
      id.encrypted,
      id.blindIndex,
      id.masked,
      input.email ?? null,
      input.isImportant ?? false,
      input.importantNote ?? null,
      input.isSpecialCare ?? false,
      input.specialCareNote ?? null,
      input.notes ?? null,
      context.clock.now(),
    ],
  );
  return toCustomer(rows[0] as CustomerRow);
}

export async function createCustomer(context: PlatformContext, tenantId: string, input: NewCustomer, actor: Actor): Promise<Customer> {
  return context.db.withTenant(tenantId, async (sql) => {
    const customer = await insertCustomer(context, sql, tenantId, input);
    await recordAudit(sql, tenantId, actor, context.clock.now(), {
      action: 'customer.create',
      objectType: 'customer',
      objectId: customer.id,
      customerId: customer.id,
      after: auditView(customer),
    });
    return customer;
  });
}

/** Changes the given fields if the record is still at the version the clerk read. */
export async function updateCustomer(context: PlatformContext, tenantId: string, id: string, patch: CustomerPatch, actor: Actor): Promise<Customer> {
  return context.db.withTenant(tenantId, async (sql) => {
    const current = await findCustomer(sql, id, true);
    if (current.version !== patch.version) throw staleVersion();
    const sets: string[] = [];
    const values: unknown[] = [id];
    const set = (column: string, value: unknown) => {
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    };
    if (patch.kind !== undefined) set('kind', patch.kind);
    if (patch.name !== undefined) set('name', patch.name);
    if (patch.phone !== undefined) set('phone', patch.phone);
    if (patch.email !== undefined) set('email', patch.email);
    if (patch.isImportant !== undefined) set('is_important', patch.isImportant);
    if (patch.importantNote !== undefined) set('important_note', patch.importantNote);
    if (patch.isSpecialCare !== undefined) set('is_special_care', patch.isSpecialCare);
    if (patch.specialCareNote !== undefined) set('special_care_note', patch.specialCareNote);
    if (patch.notes !== undefined) set('notes', patch.notes);
    if (patch.idNumber !== undefined) {
      const encrypted = encryptedId(context, patch.idNumber);
      set('id_type', patch.idNumber ? (patch.idType ?? current.idType) : null);
      set('id_number_encrypted', encrypted.encrypted);
      set('id_number_blind_index', encrypted.blindIndex);
      set('id_number_masked', encrypted.masked);
    } else if (patch.idType !== undefined && current.idNumberMasked) {
      set('id_type', patch.idType);
    }
    set('updated_at', context.clock.now());
    const rows = await sql.query<CustomerRow>(
      `UPDATE customers SET ${sets.join(', ')}, version = version + 1 WHERE id = $1 RETURNING ${CUSTOMER_COLUMNS}`,
      values,
    );
    const updated = toCustomer(rows[0] as CustomerRow);
    const diff = changedFields(auditView(current), auditView(updated));
    if (diff) {
      await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'customer.update', objectType: 'customer', objectId: id, customerId: id, ...diff });
    }
    return updated;
  });
}

/** The full phone or ID number of one customer; every reveal is written to the audit log. */
export async function revealCustomerField(
  context: PlatformContext,
  tenantId: string,
  id: string,
  field: 'phone' | 'idNumber',
  actor: Actor,
): Promise<string | null> {
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ phone: string | null; id_number_encrypted: Uint8Array | null }>(
      'SELECT phone, id_number_encrypted FROM customers WHERE id = $1',
      [id],
    );
    const row = rows[0];
    if (!row) throw notFound(CUSTOMER);
    const value = field === 'phone' ? row.phone : row.id_number_encrypted ? context.cipher.decrypt(row.id_number_encrypted) : null;
    await recordAudit(sql, tenantId, actor, context.clock.now(), {
      action: `customer.reveal.${field}`,
      objectType: 'customer',
      objectId: id,
      customerId: id,
      after: { field, masked: field === 'phone' ? maskPhone(value) : value ? maskIdNumber(value) : null },
    });
    return value;
  });
}

// ---- contacts ----

export async function listContacts(sql: Sql, customerId: string): Promise<Contact[]> {
  const rows = await sql.query<ContactRow>(`SELECT ${CONTACT_COLUMNS} FROM contacts WHERE customer_id = $1 ORDER BY is_primary DESC, created_at`, [customerId]);
  return rows.map(toContact);
}

const contactAuditView = ({ id: _id, ...rest }: Contact) => rest;

export async function addContact(context: PlatformContext, tenantId: string, customerId: string, input: NewContact, actor: Actor): Promise<Contact> {
  return context.db.withTenant(tenantId, async (sql) => {
    await findCustomer(sql, customerId);
    if (input.isPrimary) await sql.query('UPDATE contacts SET is_primary = false WHERE customer_id = $1', [customerId]);
    const rows = await sql.query<ContactRow>(
      `INSERT INTO contacts (tenant_id, customer_id, name, relation, phone, is_primary, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING ${CONTACT_COLUMNS}`,
      [tenantId, customerId, input.name, input.relation, input.phone, input.isPrimary ?? false, context.clock.now()],
    );
    const contact = toContact(rows[0] as ContactRow);
    await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'contact.create', objectType: 'contact', objectId: contact.id, customerId, after: contactAuditView(contact) });
    return contact;
  });
}

async function findContact(sql: Sql, id: string): Promise<Contact> {
  const rows = await sql.query<ContactRow>(`SELECT ${CONTACT_COLUMNS} FROM contacts WHERE id = $1 FOR UPDATE`, [id]);
  if (!rows[0]) throw notFound(CONTACT);
  return toContact(rows[0]);
}

export async function updateContact(context: PlatformContext, tenantId: string, id: string, patch: ContactPatch, actor: Actor): Promise<Contact> {
  return context.db.withTenant(tenantId, async (sql) => {
    const current = await findContact(sql, id);
    if (patch.isPrimary) await sql.query('UPDATE contacts SET is_primary = false WHERE customer_id = $1 AND id <> $2', [current.customerId, id]);
    const rows = await sql.query<ContactRow>(
      `UPDATE contacts SET name = coalesce($2, name), relation = coalesce($3, relation), phone = coalesce($4, phone),
         is_primary = coalesce($5, is_primary) WHERE id = $1 RETURNING ${CONTACT_COLUMNS}`,
      [id, patch.name ?? null, patch.relation ?? null, patch.phone ?? null, patch.isPrimary ?? null],
    );
    const updated = toContact(rows[0] as ContactRow);
    const diff = changedFields(contactAuditView(current), contactAuditView(updated));
    if (diff) await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'contact.update', objectType: 'contact', objectId: id, customerId: current.customerId, ...diff });
    return updated;
  });
}

export async function removeContact(context: PlatformContext, tenantId: string, id: string, actor: Actor): Promise<void> {
  await context.db.withTenant(tenantId, async (sql) => {
    const current = await findContact(sql, id);
    await sql.query('DELETE FROM contacts WHERE id = $1', [id]);
    await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'contact.delete', objectType: 'contact', objectId: id, customerId: current.customerId, before: contactAuditView(current) });
  });
}
