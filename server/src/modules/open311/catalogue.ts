/**
 * The Open311 service list of a utility: its request categories (service_code = category code), each
 * published with a type, keywords, a group and a description; the administrator may unpublish a category,
 * make it batch (requests made by the worker, the client given a token) or change its wording.
 */
import { changedFields, recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { DomainError, notFound } from '../../platform/errors';
import { listCategories, type RequestKind, type ServiceCategory } from '../service';
import { attributesOf } from './attributes';

export type ServiceType = 'realtime' | 'batch';

export interface Open311Service {
  code: string;
  name: string;
  nameEn: string;
  kind: RequestKind;
  /** The category is active in the service desk. */
  isActive: boolean;
  /** Listed by GET services and accepted by POST requests (only when also active). */
  isPublished: boolean;
  type: ServiceType;
  keywords: string;
  group: string;
  description: string;
  /** The category asks questions (GET services/{code}). */
  metadata: boolean;
  /** What the utility promises: the time limits, in words (service_notice). */
  notice: string;
  /** The administrator changed something from the defaults. */
  isCustomised: boolean;
  updatedAt: string | null;
}

const KEYWORDS: Record<string, string> = {
  burst: '爆管,水管爆裂,大量冒水,路面冒水,burst main',
  leak: '漏水,水管漏水,表箱漏水,渗水,leak',
  no_water: '停水,没水,无水,断水,no water',
  low_pressure: '水压低,水小,水压不足,low pressure',
  water_quality: '水质,浑浊,发黄,异味,water quality',
  meter_fault: '水表,水表故障,不走字,水表漏水,meter fault',
  inquiry: '咨询,水费,水价,业务办理,inquiry',
  complaint: '投诉,服务态度,complaint',
  praise: '表扬,感谢,praise',
  suggestion: '建议,意见,suggestion',
};

const DESCRIPTIONS: Record<string, string> = {
  burst: '供水管道爆裂、路面大量冒水（Burst main）',
  leak: '道路、小区、表箱或户内管道漏水（Leak）',
  no_water: '家中或片区没有水（No water）',
  low_pressure: '水压低、水流小（Low pressure）',
  water_quality: '自来水浑浊、发黄、有异味或杂质（Water quality）',
  meter_fault: '水表不走字、走得快、漏水或损坏（Meter fault）',
  inquiry: '水费、水价、业务办理等咨询（Inquiry）',
  complaint: '对供水服务的投诉（Complaint）',
  praise: '对员工或服务的表扬（Praise）',
  suggestion: '对供水服务的意见和建议（Suggestion）',
};

const GROUPS: Record<RequestKind, string> = { repair: '报修', inquiry: '咨询', complaint: '投诉', praise: '表扬', suggestion: '建议' };

/** A time limit in words: clock time in minutes, hours or days; working time in working days or hours. */
export function durationText(minutes: number, basis: 'clock' | 'working'): string {
  if (basis === 'working') {
    if (minutes % 450 === 0) return `${minutes / 450} 个工作日`;
    if (minutes % 30 === 0) return `${minutes / 60} 个工作小时`;
    return `${minutes} 个工作分钟`;
  }
  if (minutes < 60) return `${minutes} 分钟`;
  if (minutes % 60 === 0) return `${minutes / 60} 小时`;
  return `${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分钟`;
}

/** service_notice: what the utility will do and by when, from the category's time limits. */
export function noticeOf(category: Pick<ServiceCategory, 'kind' | 'limits' | 'timeBasis'>): string {
  const limit = (name: string) => (Number.isInteger(category.limits[name]) ? durationText(category.limits[name] as number, category.timeBasis) : null);
  const parts =
    category.kind === 'repair'
      ? [limit('arrive') && `${limit('arrive')}内到达现场`, limit('restore') && `${limit('restore')}内修复并恢复供水`]
      : [limit('respond') && `${limit('respond')}内答复`, limit('close') && `${limit('close')}内办结`];
  const promised = parts.filter(Boolean).join('，');
  return promised ? `自报告起 ${promised}。` : '我们将尽快处理。';
}

interface ConfigRow {
  category_id: string;
  is_published: boolean;
  type: ServiceType;
  keywords: string | null;
  group_name: string | null;
  description: string | null;
  updated_at: Date;
}

/** Every category of the utility as an Open311 service (published or not), in the service desk's order. */
export async function servicesOf(context: PlatformContext, tenantId: string): Promise<(Open311Service & { categoryId: string })[]> {
  const categories = await listCategories(context, tenantId);
  const rows = await context.db.withTenant(tenantId, (sql) => sql.query<ConfigRow>('SELECT category_id, is_published, type, keywords, group_name, description, updated_at FROM open311_services'));
  const configs = new Map(rows.map((row) => [row.category_id, row]));
  return categories.map((category) => {
    const config = configs.get(category.id);
    return {
      categoryId: category.id,
      code: category.code,
      name: category.name,
      nameEn: category.nameEn,
      kind: category.kind,
      isActive: category.isActive,
      isPublished: config?.is_published ?? true,
      type: config?.type ?? 'realtime',
      keywords: config?.keywords ?? KEYWORDS[category.code] ?? '',
      group: config?.group_name ?? GROUPS[category.kind],
      description: config?.description ?? DESCRIPTIONS[category.code] ?? `${category.name}（${category.nameEn}）`,
      metadata: attributesOf(category.code).length > 0,
      notice: noticeOf(category),
      isCustomised: config !== undefined,
      updatedAt: config?.updated_at.toISOString() ?? null,
    };
  });
}

/** The services a client may see and use: published and active. */
export async function publishedServices(context: PlatformContext, tenantId: string): Promise<(Open311Service & { categoryId: string })[]> {
  return (await servicesOf(context, tenantId)).filter((service) => service.isPublished && service.isActive);
}

export interface ServicePatch {
  isPublished?: boolean | undefined;
  type?: ServiceType | undefined;
  keywords?: string | undefined;
  group?: string | undefined;
  description?: string | undefined;
}

/** Changes how a category is published; each change is audited field by field. */
export async function updateService(context: PlatformContext, tenantId: string, code: string, patch: ServicePatch, actor: Actor): Promise<Open311Service> {
  const service = (await servicesOf(context, tenantId)).find((item) => item.code === code);
  if (!service) throw notFound({ zh: '工单类别', en: 'Request category' });
  const next = {
    isPublished: patch.isPublished ?? service.isPublished,
    type: patch.type ?? service.type,
    keywords: patch.keywords ?? service.keywords,
    group: patch.group ?? service.group,
    description: patch.description ?? service.description,
  };
  const before = { isPublished: service.isPublished, type: service.type, keywords: service.keywords, group: service.group, description: service.description };
  const changes = changedFields(before, next);
  if (!changes) throw new DomainError('validation', 'nothing_to_change', '没有需要修改的内容', 'Nothing to change', []);
  await context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    await sql.query(
      `INSERT INTO open311_services (tenant_id, category_id, is_published, type, keywords, group_name, description, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (tenant_id, category_id) DO UPDATE SET is_published = EXCLUDED.is_published, type = EXCLUDED.type, keywords = EXCLUDED.keywords,
         group_name = EXCLUDED.group_name, description = EXCLUDED.description, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
      [tenantId, service.categoryId, next.isPublished, next.type, next.keywords, next.group, next.description, actor.name, now],
    );
    await recordAudit(sql, tenantId, actor, now, { action: 'open311_service.update', objectType: 'service_category', objectId: service.categoryId, before: changes.before, after: { code, ...changes.after } });
  });
  const updated = (await servicesOf(context, tenantId)).find((item) => item.code === code);
  if (!updated) throw notFound({ zh: '工单类别', en: 'Request category' });
  const { categoryId: _categoryId, ...rest } = updated;
  return rest;
}

/** When a utility's service list or definitions last changed (discovery changeset). */
export async function catalogueChangedAt(context: PlatformContext, tenantId: string): Promise<Date | null> {
  const [row] = await context.db.withTenant(tenantId, (sql) => sql.query<{ at: Date | null }>('SELECT max(updated_at) AS at FROM open311_services'));
  return row?.at ?? null;
}
