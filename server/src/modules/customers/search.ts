import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { normaliseIdentifier } from '../../platform/crypto';
import { maskPhone } from '../../platform/masking';
import type { SearchResult } from './schemas';

type MatchKind = SearchResult['matchedOn'];

interface Hit {
  customer_id: string;
  matched_on: MatchKind;
  strength: number;
}

interface CustomerSummaryRow {
  id: string;
  customer_no: string;
  name: string;
  kind: SearchResult['kind'];
  phone: string | null;
  is_important: boolean;
  is_special_care: boolean;
  accounts: SearchResult['accounts'] | null;
}

/** How the search box reads what was typed: which of the lookups can apply to it. */
export function classifyQuery(raw: string) {
  const text = raw.trim();
  const compact = text.replace(/\s+/g, '');
  return {
    text,
    compact,
    isDigits: /^\d+$/.test(compact),
    isPhonePrefix: /^1[3-9]\d{5,9}$/.test(compact),
    isIdNumber: /^[0-9A-Za-z]{6,40}$/.test(compact) && !/^1[3-9]\d{9}$/.test(compact),
    hasLatinLetters: /[A-Za-z]/.test(text),
  };
}

/** The smallest string above every string that starts with `prefix`, in the "C" collation. */
export function prefixUpperBound(prefix: string): string {
  const last = prefix.codePointAt(prefix.length - 1) ?? 0;
  return `${prefix.slice(0, -1)}${String.fromCodePoint(last + 1)}`;
}

// Index-served lookups: exact or prefix matches that are cheap at any size.
async function indexedHits(context: PlatformContext, sql: Sql, query: ReturnType<typeof classifyQuery>, limit: number): Promise<Hit[]> {
  const { compact, text } = query;
  const blindIndex = query.isIdNumber ? context.cipher.blindIndex(normaliseIdentifier(compact)) : null;
  return sql.query<Hit>(
    `SELECT a.customer_id, 'account_no' AS matched_on, 1 AS strength FROM accounts a
       WHERE $3::boolean AND length($1) >= 4 AND a.account_no COLLATE "C" >= $1 AND a.account_no COLLATE "C" < $2
     UNION ALL
     SELECT c.id, 'customer_no', 1 FROM customers c WHERE c.customer_no = upper($1)
     UNION ALL
     SELECT c.id, 'id_number', 1 FROM customers c WHERE $4::bytea IS NOT NULL AND c.id_number_blind_index = $4
     UNION ALL
     SELECT c.id, 'phone', 2 FROM customers c WHERE $5::boolean AND c.phone COLLATE "C" >= $1 AND c.phone COLLATE "C" < $2
     UNION ALL
     SELECT ct.customer_id, 'phone', 2 FROM contacts ct WHERE $5::boolean AND ct.phone COLLATE "C" >= $1 AND ct.phone COLLATE "C" < $2
     UNION ALL
     (SELECT c.id, 'name', 3 FROM customers c
       WHERE NOT $3::boolean AND c.name COLLATE "C" >= $6 AND c.name COLLATE "C" < $7 ORDER BY c.name COLLATE "C" LIMIT $8)`,
    [compact, prefixUpperBound(compact), query.isDigits, blindIndex, query.isPhonePrefix, text, prefixUpperBound(text), limit],
  );
}

// Substring matches in names and addresses scan the table (LIKE is not leakproof, so no index can serve it
// under RLS); they run only when the indexed lookups did not already fill the page.
async function substringHits(sql: Sql, query: ReturnType<typeof classifyQuery>, limit: number): Promise<Hit[]> {
  const pattern = `%${query.text.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
  const operator = query.hasLatinLetters ? 'ILIKE' : 'LIKE';
  return sql.query<Hit>(
    `(SELECT c.id AS customer_id, 'name' AS matched_on, 3 AS strength FROM customers c WHERE c.name ${operator} $1 LIMIT $2)
     UNION ALL
     (SELECT a.customer_id, 'address', 4 FROM premises p JOIN accounts a ON a.premise_id = p.id WHERE p.full_address ${operator} $1 LIMIT $2)`,
    [pattern, limit],
  );
}

/**
 * One search box for the counter and the hotline: account number (prefix), customer number, phone (full
 * or prefix, customer or contact), ID number (exact, through the blind index), name (prefix, then
 * substring) and address (substring). Each customer appears once, under its strongest match.
 */
export async function searchCustomers(context: PlatformContext, tenantId: string, raw: string, limit: number): Promise<SearchResult[]> {
  const query = classifyQuery(raw);
  return context.db.withTenant(tenantId, async (sql) => {
    const best = new Map<string, Hit>();
    const collect = (hits: Hit[]) => {
      for (const hit of hits) {
        const current = best.get(hit.customer_id);
        if (!current || hit.strength < current.strength) best.set(hit.customer_id, hit);
      }
    };
    collect(await indexedHits(context, sql, query, limit));
    if (best.size < limit && !query.isDigits) collect(await substringHits(sql, query, limit * 5));
    if (best.size === 0) return [];
    const summaries = await sql.query<CustomerSummaryRow>(
      `SELECT c.id, c.customer_no, c.name, c.kind, c.phone, c.is_important, c.is_special_care,
         (SELECT json_agg(json_build_object('id', a.id, 'accountNo', a.account_no, 'status', a.status, 'category', a.category,
             'address', p.full_address) ORDER BY a.status = 'closed', a.account_no)
            FROM accounts a JOIN premises p ON p.id = a.premise_id WHERE a.customer_id = c.id) AS accounts
       FROM customers c WHERE c.id = ANY($1::uuid[])`,
      [[...best.keys()]],
    );
    return summaries
      .map((row) => ({ row, hit: best.get(row.id) as Hit }))
      .sort((a, b) => a.hit.strength - b.hit.strength || a.row.name.localeCompare(b.row.name, 'zh-CN') || a.row.customer_no.localeCompare(b.row.customer_no))
      .slice(0, limit)
      .map(({ row, hit }) => ({
        customerId: row.id,
        customerNo: row.customer_no,
        name: row.name,
        kind: row.kind,
        phoneMasked: maskPhone(row.phone),
        isImportant: row.is_important,
        isSpecialCare: row.is_special_care,
        matchedOn: hit.matched_on,
        accounts: row.accounts ?? [],
      }));
  });
}
