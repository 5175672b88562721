/**
 * The knowledge base of standard answers (知识库): articles saved in versions, published for the hotline,
 * and searched the way Chinese needs (no spaces between words). A query is cut into Latin words and
 * Chinese bigrams (the usual CJK approach) after question and filler words are dropped; an article matches
 * when at least a third of them occur in its title, keywords (with tags) or body (bigrams that straddle two
 * words match nothing, so a stricter share would lose good answers), and ranks by where they occur
 * (title 3, keywords 2, body 1), then by how often it was used. All of it is strpos over text the
 * application has lower-cased and width-normalised, so it runs alike on PostgreSQL and PGlite.
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField, notFound, staleVersion } from '../../platform/errors';
import type {
  KnowledgeArticle,
  KnowledgeArticleDetail,
  KnowledgeArticleInput,
  KnowledgeArticlePatch,
  KnowledgeHit,
} from './desk-schemas';

const ARTICLE = { zh: '知识条目', en: 'Knowledge article' };

/** Full-width to half-width, compatibility forms folded, lower case: what search text and queries are compared as. */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
// Words that carry the question, not its subject: dropped before the query is cut into bigrams.
const QUESTION_WORDS = [
  '请问', '为什么', '为何', '怎么样', '怎么办', '怎么', '怎样', '如何', '什么', '哪里', '哪儿', '可以', '能否', '是否', '能不能', '可不可以', '一下', '有没有',
  '我们家', '我们', '你们', '我家', '家里', '我的', '这个', '那个', '这里', '那里', '现在', '今天', '昨天', '一直', '已经', '还是',
];
// Particles; 了 only where it ends a phrase (了解 is a word).
const PARTICLES = /[的吗呢吧啊呀嘛]|了(?![\u3400-\u9fff])/g;

export interface SearchTerm {
  term: string;
  weight: number;
  /** Counts toward the share of terms an article must contain. */
  counted: boolean;
}

/** The terms a query is searched by: Latin words and numbers whole, Chinese runs as bigrams (and whole, for a bonus). */
export function searchTerms(query: string): SearchTerm[] {
  let text = normaliseText(query);
  for (const word of QUESTION_WORDS) text = text.replaceAll(word, ' ');
  text = text.replace(PARTICLES, ' ');
  const terms = new Map<string, SearchTerm>();
  const add = (term: string, weight: number, counted: boolean) => {
    const known = terms.get(term);
    if (!known) terms.set(term, { term, weight, counted });
    else if (counted && !known.counted) terms.set(term, { term, weight: Math.max(weight, known.weight), counted });
  };
  for (const run of text.match(/[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g) ?? []) {
    if (HAN.test(run)) {
      // A lone character counts toward the match only when the query has nothing longer (below).
      if (run.length === 1) add(run, 0.5, false);
      for (let index = 0; index + 2 <= run.length; index += 1) add(run.slice(index, index + 2), 1, true);
      if (run.length >= 3) add(run, 2, false);
    } else if (run.length >= 2 || /\d/.test(run)) {
      add(run, 1, true);
    }
  }
  const list = [...terms.values()];
  if (!list.some((term) => term.counted)) return list.map((term) => ({ ...term, counted: true })).slice(0, 40);
  return list.slice(0, 40);
}

/** How many of a query's counted terms an article must contain: a third of them (bigrams across word boundaries never match), at least one. */
export const requiredMatches = (terms: readonly SearchTerm[]): number => Math.max(1, Math.ceil(terms.filter((term) => term.counted).length / 3));

/** The part of the body around the first term found, for the result list. */
export function snippetOf(body: string, terms: readonly SearchTerm[], length = 80): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  const normalised = normaliseText(flat);
  const positions = terms.map((term) => normalised.indexOf(term.term)).filter((position) => position >= 0);
  const first = positions.length > 0 ? Math.min(...positions) : 0;
  const start = Math.max(0, Math.min(first - 20, flat.length - length));
  const text = flat.slice(start, start + length);
  return `${start > 0 ? '…' : ''}${text}${start + length < flat.length ? '…' : ''}`;
}

const cleanList = (values: readonly string[]) => [...new Set(values.map((value) => value.trim()).filter(Boolean))];

interface ArticleRow {
  id: string;
  status: KnowledgeArticle['status'];
  version: number;
  published_version: number | null;
  title: string;
  body: string;
  tags: string[];
  keywords: string[];
  use_count: number;
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
  published_at: Date | null;
}

const ARTICLE_SELECT = `SELECT a.id, a.status, a.version, a.published_version, v.title, v.body, v.tags, v.keywords, a.use_count, a.created_by, a.created_at,
    a.updated_by, a.updated_at, a.published_at
  FROM service_kb_articles a JOIN service_kb_article_versions v ON v.article_id = a.id AND v.version = a.version`;

const toArticle = (row: ArticleRow): KnowledgeArticle => ({
  id: row.id,
  status: row.status,
  version: row.version,
  publishedVersion: row.published_version,
  hasUnpublishedChanges: row.published_version !== null && row.published_version !== row.version,
  title: row.title,
  body: row.body,
  tags: row.tags,
  keywords: row.keywords,
  useCount: row.use_count,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  updatedBy: row.updated_by,
  updatedAt: row.updated_at.toISOString(),
  publishedAt: row.published_at?.toISOString() ?? null,
});

async function insertVersion(sql: Sql, tenantId: string, articleId: string, version: number, content: { title: string; body: string; tags: string[]; keywords: string[] }, actor: Actor, now: Date): Promise<void> {
  await sql.query(
    `INSERT INTO service_kb_article_versions (tenant_id, article_id, version, title, body, tags, keywords, search_title, search_keywords, search_body, saved_by, saved_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      tenantId, articleId, version, content.title, content.body, content.tags, content.keywords,
      normaliseText(content.title), normaliseText([...content.keywords, ...content.tags].join(' | ')), normaliseText(content.body), actor.name, now,
    ],
  );
}

async function articleDetail(sql: Sql, id: string): Promise<KnowledgeArticleDetail> {
  const rows = await sql.query<ArticleRow>(`${ARTICLE_SELECT} WHERE a.id = $1`, [id]);
  const row = rows[0];
  if (!row) throw notFound(ARTICLE);
  const versions = await sql.query<{ version: number; title: string; body: string; tags: string[]; keywords: string[]; saved_by: string; saved_at: Date }>(
    'SELECT version, title, body, tags, keywords, saved_by, saved_at FROM service_kb_article_versions WHERE article_id = $1 ORDER BY version DESC',
    [id],
  );
  const published = row.published_version === null ? undefined : versions.find((version) => version.version === row.published_version);
  return {
    ...toArticle(row),
    versions: versions.map((version) => ({ version: version.version, title: version.title, savedBy: version.saved_by, savedAt: version.saved_at.toISOString(), isPublished: version.version === row.published_version })),
    published: published ? { title: published.title, body: published.body, tags: published.tags, keywords: published.keywords } : null,
  };
}

export async function getArticle(context: PlatformContext, tenantId: string, id: string): Promise<KnowledgeArticleDetail> {
  return context.db.withTenant(tenantId, (sql) => articleDetail(sql, id));
}

/** The editors' list: every article in its latest version, drafts and archived ones too. */
export async function listArticles(context: PlatformContext, tenantId: string, filter: { status?: KnowledgeArticle['status'] | undefined; q?: string | undefined; limit: number }): Promise<KnowledgeArticle[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const q = filter.q ? normaliseText(filter.q) : null;
    const rows = await sql.query<ArticleRow>(
      `${ARTICLE_SELECT}
       WHERE ($1::text IS NULL OR a.status = $1) AND ($2::text IS NULL OR strpos(v.search_title, $2) > 0 OR strpos(v.search_keywords, $2) > 0 OR strpos(v.search_body, $2) > 0)
       ORDER BY a.updated_at DESC, a.id LIMIT $3`,
      [filter.status ?? null, q, filter.limit],
    );
    return rows.map(toArticle);
  });
}

export async function createArticle(context: PlatformContext, tenantId: string, input: KnowledgeArticleInput, actor: Actor): Promise<KnowledgeArticleDetail> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const content = { title: input.title, body: input.body, tags: cleanList(input.tags ?? []), keywords: cleanList(input.keywords ?? []) };
    const publish = input.publish === true;
    const [created] = await sql.query<{ id: string }>(
      `INSERT INTO service_kb_articles (tenant_id, status, version, published_version, title, created_by, created_at, updated_by, updated_at, published_at)
       VALUES ($1, $2, 1, $3, $4, $5, $6, $5, $6, $7) RETURNING id`,
      [tenantId, publish ? 'published' : 'draft', publish ? 1 : null, content.title, actor.name, now, publish ? now : null],
    );
    const id = (created as { id: string }).id;
    await insertVersion(sql, tenantId, id, 1, content, actor, now);
    await recordAudit(sql, tenantId, actor, now, { action: 'knowledge.create', objectType: 'knowledge_article', objectId: id, after: { title: content.title, status: publish ? 'published' : 'draft' } });
    return articleDetail(sql, id);
  });
}

async function lockArticle(sql: Sql, id: string, version: number): Promise<ArticleRow> {
  const rows = await sql.query<ArticleRow>(`${ARTICLE_SELECT} WHERE a.id = $1 FOR UPDATE OF a`, [id]);
  const row = rows[0];
  if (!row) throw notFound(ARTICLE);
  if (row.version !== version) throw staleVersion();
  return row;
}

/** Saves a new version (a draft while the published one stays what agents see). */
export async function updateArticle(context: PlatformContext, tenantId: string, id: string, patch: KnowledgeArticlePatch, actor: Actor): Promise<KnowledgeArticleDetail> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const current = await lockArticle(sql, id, patch.version);
    const content = {
      title: patch.title ?? current.title,
      body: patch.body ?? current.body,
      tags: patch.tags ? cleanList(patch.tags) : current.tags,
      keywords: patch.keywords ? cleanList(patch.keywords) : current.keywords,
    };
    const before = { title: current.title, body: current.body, tags: current.tags, keywords: current.keywords };
    if (JSON.stringify(before) === JSON.stringify(content)) return articleDetail(sql, id);
    const version = current.version + 1;
    await insertVersion(sql, tenantId, id, version, content, actor, now);
    // An archived article edited comes back as a draft; a published one keeps its published version.
    await sql.query(
      "UPDATE service_kb_articles SET version = $2, title = $3, updated_by = $4, updated_at = $5, status = CASE WHEN status = 'archived' THEN 'draft' ELSE status END WHERE id = $1",
      [id, version, content.title, actor.name, now],
    );
    const changed = Object.fromEntries(Object.entries(content).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(before[key as keyof typeof before])));
    await recordAudit(sql, tenantId, actor, now, {
      action: 'knowledge.update',
      objectType: 'knowledge_article',
      objectId: id,
      before: { version: current.version, ...Object.fromEntries(Object.keys(changed).map((key) => [key, before[key as keyof typeof before]])) },
      after: { version, ...changed },
    });
    return articleDetail(sql, id);
  });
}

/** Publishes the latest version: from now on agents find it (and not the version before). */
export async function publishArticle(context: PlatformContext, tenantId: string, id: string, version: number, actor: Actor): Promise<KnowledgeArticleDetail> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const current = await lockArticle(sql, id, version);
    if (current.status === 'published' && current.published_version === current.version) {
      throw new DomainError('conflict', 'already_published', '这一版本已经发布', 'This version is published already');
    }
    await sql.query("UPDATE service_kb_articles SET status = 'published', published_version = version, published_at = $2, updated_by = $3, updated_at = $2 WHERE id = $1", [id, now, actor.name]);
    await recordAudit(sql, tenantId, actor, now, { action: 'knowledge.publish', objectType: 'knowledge_article', objectId: id, before: { status: current.status, publishedVersion: current.published_version }, after: { status: 'published', publishedVersion: current.version } });
    return articleDetail(sql, id);
  });
}

/** Withdraws an article: agents no longer find it; its versions stay. */
export async function archiveArticle(context: PlatformContext, tenantId: string, id: string, version: number, actor: Actor): Promise<KnowledgeArticleDetail> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const current = await lockArticle(sql, id, version);
    if (current.status === 'archived') throw new DomainError('conflict', 'already_archived', '该条目已停用', 'The article is archived already');
    await sql.query("UPDATE service_kb_articles SET status = 'archived', updated_by = $2, updated_at = $3 WHERE id = $1", [id, actor.name, now]);
    await recordAudit(sql, tenantId, actor, now, { action: 'knowledge.archive', objectType: 'knowledge_article', objectId: id, before: { status: current.status }, after: { status: 'archived' } });
    return articleDetail(sql, id);
  });
}

/** A hit scoring below this share of the best hit's score is left out. */
const RELEVANT_SHARE = 0.3;

interface HitRow {
  id: string;
  version: number;
  title: string;
  body: string;
  tags: string[];
  use_count: number;
  score: number;
}

/** Published answers for a query (the most used ones when the query is empty), and the tags to filter by. */
export async function searchKnowledge(context: PlatformContext, tenantId: string, query: { q?: string | undefined; tag?: string | undefined; limit: number }): Promise<{ hits: KnowledgeHit[]; tags: { tag: string; count: number }[] }> {
  const terms = searchTerms(query.q ?? '');
  const required = requiredMatches(terms);
  return context.db.withTenant(tenantId, async (sql) => {
    const published = `SELECT a.id, v.version, v.title, v.body, v.tags, v.search_title, v.search_keywords, v.search_body, a.use_count, a.published_at
      FROM service_kb_articles a JOIN service_kb_article_versions v ON v.article_id = a.id AND v.version = a.published_version
      WHERE a.status = 'published' AND ($1::text IS NULL OR $1 = ANY(v.tags))`;
    const rows =
      terms.length === 0
        ? await sql.query<HitRow>(`SELECT id, version, title, body, tags, use_count, 0::float8 AS score FROM (${published}) p ORDER BY use_count DESC, published_at DESC, id LIMIT $2`, [query.tag ?? null, query.limit])
        : await sql.query<HitRow>(
            `WITH p AS (${published}),
                  t AS (SELECT * FROM unnest($2::text[], $3::float8[], $4::boolean[]) AS t(term, weight, counted)),
                  m AS (
                    SELECT p.id, t.term, t.weight, t.counted,
                           (strpos(p.search_title, t.term) > 0) AS in_title, (strpos(p.search_keywords, t.term) > 0) AS in_keywords, (strpos(p.search_body, t.term) > 0) AS in_body
                    FROM p CROSS JOIN t),
                  s AS (
                    SELECT id, sum(weight * (3 * in_title::int + 2 * in_keywords::int + in_body::int))::float8 AS score,
                           count(*) FILTER (WHERE counted AND (in_title OR in_keywords OR in_body)) AS matched
                    FROM m GROUP BY id)
             SELECT p.id, p.version, p.title, p.body, p.tags, p.use_count, s.score
             FROM s JOIN p ON p.id = s.id
             WHERE s.matched >= $5
             ORDER BY s.score DESC, p.use_count DESC, p.published_at DESC, p.id LIMIT $6`,
            [query.tag ?? null, terms.map((term) => term.term), terms.map((term) => term.weight), terms.map((term) => term.counted), required, query.limit],
          );
    const tags = await sql.query<{ tag: string; count: number }>(
      `SELECT tag, count(*)::int AS count FROM service_kb_articles a JOIN service_kb_article_versions v ON v.article_id = a.id AND v.version = a.published_version
       CROSS JOIN unnest(v.tags) AS tag WHERE a.status = 'published' GROUP BY tag ORDER BY count DESC, tag LIMIT 50`,
    );
    // Answers far below the best one matched a stray word (营业 of 网上营业厅): left out.
    const best = rows[0]?.score ?? 0;
    const relevant = terms.length === 0 ? rows : rows.filter((row) => Number(row.score) >= Number(best) * RELEVANT_SHARE);
    return {
      hits: relevant.map((row) => ({ id: row.id, version: row.version, title: row.title, body: row.body, tags: row.tags, snippet: snippetOf(row.body, terms), score: Number(row.score), useCount: row.use_count })),
      tags,
    };
  });
}

/**
 * Records that published answers were given on a request (in the request's transaction). Each must be
 * published now; the version recorded is the one agents saw.
 */
export async function recordKnowledgeUse(sql: Sql, tenantId: string, requestId: string, articleIds: readonly string[], actor: Actor, now: Date): Promise<{ id: string; title: string; version: number }[]> {
  const ids = [...new Set(articleIds)];
  if (ids.length === 0) return [];
  const rows = await sql.query<{ id: string; title: string; version: number }>(
    `SELECT a.id, v.title, v.version FROM service_kb_articles a JOIN service_kb_article_versions v ON v.article_id = a.id AND v.version = a.published_version
     WHERE a.id = ANY($1::uuid[]) AND a.status = 'published'`,
    [ids],
  );
  if (rows.length !== ids.length) throw invalidField('knowledgeArticleIds', '包含未发布或不存在的知识条目', 'names an article that is not published or does not exist');
  await sql.query(
    `INSERT INTO service_kb_uses (tenant_id, article_id, version, request_id, used_by, used_at)
     SELECT $1, u.article_id, u.version, $2, $3, $4 FROM unnest($5::uuid[], $6::int[]) AS u(article_id, version)`,
    [tenantId, requestId, actor.name, now, rows.map((row) => row.id), rows.map((row) => row.version)],
  );
  await sql.query('UPDATE service_kb_articles SET use_count = use_count + 1 WHERE id = ANY($1::uuid[])', [rows.map((row) => row.id)]);
  return rows;
}

/** The standard answers a utility starts with in the demo (published, so the hotline finds them at once). */
export const DEMO_KNOWLEDGE: { title: string; body: string; tags: string[]; keywords: string[] }[] = [
  {
    title: '水费缴纳方式',
    body: '水费可通过以下方式缴纳：1. 微信公众号或网上营业厅“在线缴费”（微信支付、支付宝）；2. 各营业厅窗口现金、刷卡缴费；3. 办理银行代扣，每月自动扣款；4. 政务服务平台缴费。缴费后一般实时到账，可在网上营业厅查看缴费记录和电子收据。',
    tags: ['缴费'],
    keywords: ['交费', '交水费', '付款', '在线缴费', '代扣'],
  },
  {
    title: '阶梯水价说明',
    body: '居民生活用水实行年度阶梯水价，分三档计费，第一档覆盖大多数家庭的正常用水，第二、三档价格依次提高；家庭人口多的可申请增加阶梯水量。具体单价以本单位公示的水价标准为准，账单中按档分别列出。',
    tags: ['水价'],
    keywords: ['水价', '价格', '多少钱', '阶梯', '水费贵'],
  },
  {
    title: '计划停水查询',
    body: '计划停水（管网施工、设备检修）至少提前 24 小时在网站、微信公众号和小区公告栏发布通知，注明停水范围和恢复时间。如家中突然没水且附近没有停水通知，请先确认邻居是否同样停水，再拨打服务热线报修。',
    tags: ['停水'],
    keywords: ['没水', '停水', '断水', '什么时候来水', '来水'],
  },
  {
    title: '自来水发黄、浑浊的处理',
    body: '管网施工或停水恢复后，管道内沉积物被冲起，可能出现短时发黄、浑浊。请先打开水龙头放水 3–5 分钟，一般可恢复清澈。若持续浑浊、有异味或颜色异常，请停止饮用并拨打服务热线报修，我们将安排水质检测。',
    tags: ['水质'],
    keywords: ['黄水', '浑浊', '异味', '水质', '有沉淀'],
  },
  {
    title: '水表读数自报',
    body: '每月抄表周期内，可在网上营业厅“抄表自报”中填写水表读数并上传照片。自报读数经审核后用于本月计费；读数明显异常的，工作人员会上门核实。',
    tags: ['抄表'],
    keywords: ['抄表', '读数', '自报', '水表数字'],
  },
  {
    title: '过户（更名）办理',
    body: '房屋产权变更后请办理用水过户：携带新户主身份证、不动产权证书（或购房合同），到任一营业厅或市民之家水务窗口办理，结清原户欠费后当场办结，户号不变。',
    tags: ['业务办理'],
    keywords: ['过户', '更名', '户主', '改名'],
  },
  {
    title: '漏水报修须知',
    body: '发现路面冒水、管道爆裂，请立即拨打服务热线或在网上营业厅“报修”中提交，说明具体位置并尽量附上照片。户内水表后的管道漏水属用户自有设施，可先关闭水表前阀门，再联系维修。抢修人员将按时限到场处理。',
    tags: ['报修'],
    keywords: ['漏水', '爆管', '冒水', '报修', '水管破了'],
  },
];

/** Writes published articles directly (demo seed), in the caller's tenant transaction. */
export async function seedKnowledge(sql: Sql, tenantId: string, articles: typeof DEMO_KNOWLEDGE, now: Date): Promise<void> {
  const actor: Actor = { type: 'system', id: null, name: 'demo-seed', ip: null };
  for (const article of articles) {
    const [created] = await sql.query<{ id: string }>(
      `INSERT INTO service_kb_articles (tenant_id, status, version, published_version, title, created_by, created_at, updated_by, updated_at, published_at)
       VALUES ($1, 'published', 1, 1, $2, $3, $4, $3, $4, $4) RETURNING id`,
      [tenantId, article.title, actor.name, now],
    );
    await insertVersion(sql, tenantId, (created as { id: string }).id, 1, article, actor, now);
  }
}
