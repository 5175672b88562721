import type { PlatformContext } from '../../platform/context';
import { normaliseIdentifier } from '../../platform/crypto';
import { maskPhone } from '../../platform/masking';
import type { SearchResult } from './schemas';

interface SearchRow {
  customer_id: string;
  matched_on: SearchResult['matchedOn'];
  customer_no: string;
  name: string;
  kind: SearchResult['kind'];
  phone: string | null;
  is_important: boolean;
  is_special_care: boolean;
  accounts: SearchResult['accounts'] | null;
}

/** How the search box reads what was typed: which of the lookups can apply to it. */
export function classifyQuery(raw: string): { text: string; isDigits: boolean; isPhone: boolean; isPhonePrefix: boolean; isIdNumber: boolean } {
  const text = raw.trim();
  const compact = text.replace(/\s+/g, '');
  const isDigits = /^\d+$/.test(compact);
  return {
    text,
    isDigits,
    isPhone: /^1[3-9]\d{9}$/.test(compact),
    isPhonePrefix: /^1[3-9]\d{5,9}$/.test(compact),
    isIdNumber: /^[0-9A-Za-z]{6,40}$/.test(compact) && !/^1[3-9]\d{9}$/.test(compact),
  };
}

/**
 * One search box for the counter and the hotline: account number (prefix), customer number, phone (full
 * or prefix, customer or contact), ID number (exact, through the blind index), name and address (substring,
 * trigram-indexed). Each customer appears once, under its strongest match.
 */
export async function searchCustomers(context: PlatformContext, tenantId: string, query: string, limit: number): Promise<SearchResult[]> {
  const kind = classifyQuery(query);
  const compact = kind.text.replace(/\s+/g, '');
  const blindIndex = kind.isIdNumber ? context.cipher.blindIndex(normaliseIdentifier(compact)) : null;
  const pattern = `%${kind.text.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
  const rows = await context.db.withTenant(tenantId, (sql) =>
    sql.query<SearchRow>(
      `WITH hits AS (
         SELECT a.customer_id, 'account_no' AS matched_on, 1 AS strength FROM accounts a
           WHERE $2::boolean AND length($1) >= 4 AND a.account_no LIKE $1 || '%'
         UNION ALL
         SELECT c.id, 'customer_no', 1 FROM customers c WHERE c.customer_no = upper($1)
         UNION ALL
         SELECT c.id, 'id_number', 1 FROM customers c WHERE $4::bytea IS NOT NULL AND c.id_number_blind_index = $4
         UNION ALL
         SELECT c.id, 'phone', 2 FROM customers c WHERE $3::boolean AND c.phone LIKE $1 || '%'
         UNION ALL
         SELECT ct.customer_id, 'phone', 2 FROM contacts ct WHERE $3::boolean AND ct.phone LIKE $1 || '%'
         UNION ALL
         (SELECT c.id, 'name', 3 FROM customers c WHERE NOT $2::boolean AND c.name ILIKE $5 LIMIT 200)
         UNION ALL
         (SELECT a.customer_id, 'address', 4 FROM premises p JOIN accounts a ON a.premise_id = p.id
           WHERE NOT $2::boolean AND p.full_address ILIKE $5 LIMIT 200)
       ),
       best AS (
         SELECT DISTINCT ON (customer_id) customer_id, matched_on, strength FROM hits ORDER BY customer_id, strength
       )
       SELECT b.customer_id, b.matched_on, c.customer_no, c.name, c.kind, c.phone, c.is_important, c.is_special_care,
         (SELECT json_agg(json_build_object('id', a.id, 'accountNo', a.account_no, 'status', a.status, 'category', a.category,
             'address', p.full_address) ORDER BY a.status = 'closed', a.account_no)
            FROM accounts a JOIN premises p ON p.id = a.premise_id WHERE a.customer_id = c.id) AS accounts
       FROM best b JOIN customers c ON c.id = b.customer_id
       ORDER BY b.strength, c.name, c.customer_no
       LIMIT $6`,
      [compact, kind.isDigits, kind.isPhonePrefix, blindIndex, pattern, limit],
    ),
  );
  return rows.map((row) => ({
    customerId: row.customer_id,
    customerNo: row.customer_no,
    name: row.name,
    kind: row.kind,
    phoneMasked: maskPhone(row.phone),
    isImportant: row.is_important,
    isSpecialCare: row.is_special_care,
    matchedOn: row.matched_on,
    accounts: row.accounts ?? [],
  }));
}
