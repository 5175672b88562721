/**
 * The link with the city's 12345 platform: an app id and a 256-bit secret shared by both sides (shown once,
 * kept encrypted because Shuiwu needs it to verify the city's calls and to sign its replies), and the URL the
 * replies are pushed to. Several may be active while the city rotates; a revoked one is refused at once.
 */
import { randomBytes } from 'node:crypto';
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { DomainError, notFound } from '../../platform/errors';

export interface CityLink {
  id: string;
  appId: string;
  label: string;
  replyUrl: string;
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
}

interface LinkRow {
  id: string;
  app_id: string;
  label: string;
  reply_url: string;
  status: 'active' | 'revoked';
  created_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = 'id, app_id, label, reply_url, status, created_at, revoked_at';
const toLink = (row: LinkRow): CityLink => ({ id: row.id, appId: row.app_id, label: row.label, replyUrl: row.reply_url, status: row.status, createdAt: row.created_at.toISOString(), revokedAt: row.revoked_at?.toISOString() ?? null });

export async function issueLink(context: PlatformContext, tenantId: string, input: { label: string; replyUrl: string }, actor: Actor): Promise<{ link: CityLink; secret: string }> {
  const appId = `c12345_${randomBytes(9).toString('base64url')}`;
  const secret = randomBytes(32).toString('base64url');
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const [row] = await sql.query<LinkRow>(
      `INSERT INTO city_12345_links (tenant_id, app_id, label, secret_encrypted, reply_url, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [tenantId, appId, input.label, context.cipher.encrypt(secret), input.replyUrl, now],
    );
    const link = toLink(row as LinkRow);
    await recordAudit(sql, tenantId, actor, now, { action: 'city_12345_link.issue', objectType: 'city_12345_link', objectId: link.id, after: { appId, label: link.label, replyUrl: link.replyUrl } });
    return { link, secret };
  });
}

export async function listLinks(context: PlatformContext, tenantId: string): Promise<CityLink[]> {
  return context.db.withTenant(tenantId, async (sql) => (await sql.query<LinkRow>(`SELECT ${COLUMNS} FROM city_12345_links ORDER BY created_at DESC, id`)).map(toLink));
}

export async function revokeLink(context: PlatformContext, tenantId: string, id: string, actor: Actor): Promise<CityLink> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const [current] = await sql.query<LinkRow>(`SELECT ${COLUMNS} FROM city_12345_links WHERE id = $1 FOR UPDATE`, [id]);
    if (!current) throw notFound({ zh: '12345 对接凭据', en: '12345 link' });
    if (current.status === 'revoked') throw new DomainError('conflict', 'link_revoked', '该凭据已停用', 'The link is already revoked', []);
    const [row] = await sql.query<LinkRow>(`UPDATE city_12345_links SET status = 'revoked', revoked_at = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [id, now]);
    await recordAudit(sql, tenantId, actor, now, { action: 'city_12345_link.revoke', objectType: 'city_12345_link', objectId: id, before: { status: 'active' }, after: { status: 'revoked', appId: current.app_id } });
    return toLink(row as LinkRow);
  });
}
