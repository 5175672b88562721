import type { PlatformContext } from '../../platform/context';
import { findMetersAtPremises } from '../meters';
import { findAccountsOfCustomer } from './accounts';
import { findCustomer, listContacts } from './customers';
import { PREMISE_COLUMNS, toPremise, type PremiseRow } from './rows';
import type { Customer360, HistoryEntry } from './schemas';

/**
 * Everything the counter and hotline need about one customer on one page: accounts, the premises they
 * supply, the meters there, contacts, and the latest changes to any of them.
 */
export async function getCustomer360(context: PlatformContext, tenantId: string, customerId: string): Promise<Customer360> {
  return context.db.withTenant(tenantId, async (sql) => {
    const customer = await findCustomer(sql, customerId);
    const accounts = await findAccountsOfCustomer(sql, customerId);
    const premiseIds = [...new Set(accounts.map((account) => account.premiseId))];
    const premiseRows = premiseIds.length
      ? await sql.query<PremiseRow>(`SELECT ${PREMISE_COLUMNS} FROM premises WHERE id = ANY($1::uuid[]) ORDER BY full_address`, [premiseIds])
      : [];
    const meters = await findMetersAtPremises(sql, premiseIds);
    const contacts = await listContacts(sql, customerId);
    const objectIds = [...accounts.map((account) => account.id), ...premiseIds, ...meters.map((meter) => meter.id)];
    const history = await sql.query<{ seq: number; occurred_at: Date; actor_name: string; action: string; object_type: string; object_id: string }>(
      `SELECT seq, occurred_at, actor_name, action, object_type, object_id FROM audit_log
       WHERE subject_customer_id = $1 OR object_id = ANY($2::text[])
       ORDER BY seq DESC LIMIT 50`,
      [customerId, objectIds],
    );
    return {
      customer,
      accounts,
      premises: premiseRows.map(toPremise),
      meters,
      contacts,
      history: history.map(
        (row): HistoryEntry => ({
          seq: row.seq,
          occurredAt: new Date(row.occurred_at).toISOString(),
          actorName: row.actor_name,
          action: row.action,
          objectType: row.object_type,
          objectId: row.object_id,
        }),
      ),
    };
  });
}
