/**
 * 知识库管理: the standard answers the hotline gives. Editors write drafts, publish a version (agents see
 * only published versions), keep editing while the published one stays, and withdraw answers.
 */
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Drawer, Empty, Flex, Form, Input, Segmented, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KnowledgeArticle, KnowledgeArticleDetail, KnowledgeStatus } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { applyFieldErrors } from '../utils/errors';
import { formatDateTime } from '../utils/format';
import { useArticleAction, useKnowledgeArticle, useKnowledgeArticles } from './deskHooks';
import './service.css';

const STATUS_COLORS: Record<KnowledgeStatus, string> = { draft: 'gold', published: 'green', archived: 'default' };

export function StatusTag({ article }: { article: Pick<KnowledgeArticle, 'status' | 'hasUnpublishedChanges'> }) {
  const { t } = useTranslation();
  return (
    <Space size={4}>
      <Tag color={STATUS_COLORS[article.status]} style={{ marginInlineEnd: 0 }} data-testid="kb-status">
        {t(`service.desk.kb.status.${article.status}`)}
      </Tag>
      {article.hasUnpublishedChanges ? <Tag color="blue">{t('service.desk.kb.unpublished')}</Tag> : null}
    </Space>
  );
}

export function KnowledgePage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<KnowledgeStatus | 'all'>('all');
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim(), 300);
  const query = useKnowledgeArticles(status === 'all' ? undefined : status, q);
  // null: closed; 'new': a new article; otherwise the article being edited.
  const [editing, setEditing] = useState<string | null>(null);
  const columns: TableColumnsType<KnowledgeArticle> = [
    {
      key: 'title',
      title: t('service.desk.kb.titleField'),
      render: (_, row) => (
        <Typography.Link strong onClick={() => setEditing(row.id)} data-testid="kb-row-title">
          {row.title}
        </Typography.Link>
      ),
    },
    {
      key: 'tags',
      title: t('service.desk.kb.tags'),
      render: (_, row) => (
        <Space size={4} wrap>
          {row.tags.map((tag) => (
            <Tag key={tag} style={{ marginInlineEnd: 0 }}>
              {tag}
            </Tag>
          ))}
        </Space>
      ),
    },
    { key: 'status', title: t('service.desk.kb.statusTitle'), render: (_, row) => <StatusTag article={row} /> },
    { key: 'version', title: t('service.desk.kb.version'), render: (_, row) => (row.publishedVersion ? `v${row.publishedVersion} / v${row.version}` : `v${row.version}`), width: 110 },
    { key: 'uses', title: t('service.desk.kb.uses'), dataIndex: 'useCount', align: 'right', width: 90 },
    { key: 'updated', title: t('service.desk.kb.updated'), render: (_, row) => `${formatDateTime(row.updatedAt)} · ${row.updatedBy}` },
  ];
  return (
    <Flex vertical gap={16} data-testid="kb-page">
      <Card>
        <Flex justify="space-between" align="center" wrap gap={8}>
          <div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('service.desk.kb.manageTitle')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('service.desk.kb.manageSubtitle')}</Typography.Text>
          </div>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="kb-new">
            {t('service.desk.kb.new')}
          </Button>
        </Flex>
      </Card>
      <Card>
        <Flex wrap gap={8} justify="space-between" style={{ marginBottom: 12 }}>
          <Segmented<KnowledgeStatus | 'all'>
            value={status}
            onChange={setStatus}
            options={(['all', 'published', 'draft', 'archived'] as const).map((value) => ({ value, label: value === 'all' ? t('service.list.all') : t(`service.desk.kb.status.${value}`) }))}
          />
          <Input.Search allowClear style={{ maxWidth: 320 }} placeholder={t('service.desk.kb.filterPlaceholder')} value={search} onChange={(event) => setSearch(event.target.value)} />
        </Flex>
        {query.isError ? (
          <QueryError compact error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <Table<KnowledgeArticle>
            rowKey="id"
            loading={query.isPending}
            columns={columns}
            dataSource={query.data ?? []}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('service.desk.kb.listEmpty')} /> }}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            data-testid="kb-articles"
          />
        )}
      </Card>
      <ArticleDrawer key={editing ?? 'closed'} id={editing} onClose={() => setEditing(null)} onCreated={(id) => setEditing(id)} />
    </Flex>
  );
}

interface Values {
  title: string;
  body: string;
  tags: string[];
  keywords: string[];
}

function ArticleDrawer({ id, onClose, onCreated }: { id: string | null; onClose: () => void; onCreated: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<Values>();
  const isNew = id === 'new';
  const article = useKnowledgeArticle(id && !isNew ? id : null);
  const action = useArticleAction();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const data: KnowledgeArticleDetail | undefined = isNew ? undefined : article.data;

  // The drawer is mounted afresh for each article (its key); the form follows the article as it is saved.
  useEffect(() => {
    if (isNew) form.setFieldsValue({ title: '', body: '', tags: [], keywords: [] });
    else if (data) form.setFieldsValue({ title: data.title, body: data.body, tags: data.tags, keywords: data.keywords });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, data?.version]);

  const onError = (error: unknown) => setUnmatched(applyFieldErrors(form, error, i18n.language));
  const clean = (values: Values) => ({ title: values.title.trim(), body: values.body.trim(), tags: values.tags.map((tag) => tag.trim()).filter(Boolean), keywords: values.keywords.map((word) => word.trim()).filter(Boolean) });

  const canPublish = isNew || (data !== undefined && (data.status !== 'published' || data.hasUnpublishedChanges));

  /** Saves the form (a new article, or a new version when it changed); then, if asked, publishes. */
  const save = async (publish: boolean) => {
    const values = clean(await form.validateFields());
    setUnmatched([]);
    if (isNew) {
      action.mutate({ kind: 'create', body: { ...values, publish } }, { onSuccess: (created) => { void message.success(publish ? t('service.desk.kb.published') : t('service.desk.kb.savedDraft')); onCreated(created.id); }, onError });
      return;
    }
    if (!data) return;
    const changed = values.title !== data.title || values.body !== data.body || JSON.stringify(values.tags) !== JSON.stringify(data.tags) || JSON.stringify(values.keywords) !== JSON.stringify(data.keywords);
    const publishNow = (version: number) =>
      action.mutate({ kind: 'publish', id: data.id, version }, { onSuccess: () => void message.success(t('service.desk.kb.published')), onError });
    if (!changed) {
      if (publish && canPublish) publishNow(data.version);
      else void message.info(t('service.desk.kb.noChanges'));
      return;
    }
    action.mutate(
      { kind: 'update', id: data.id, body: { version: data.version, ...values } },
      {
        onSuccess: (saved) => {
          if (publish) publishNow(saved.version);
          else void message.success(t('service.desk.kb.savedDraft'));
        },
        onError,
      },
    );
  };

  const archive = () => {
    if (!data) return;
    void modal.confirm({
      title: t('service.desk.kb.archiveConfirm'),
      okButtonProps: { danger: true },
      okText: t('service.desk.kb.archive'),
      onOk: () => action.mutate({ kind: 'archive', id: data.id, version: data.version }, { onSuccess: () => void message.success(t('service.desk.kb.archived')), onError }),
    });
  };

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      width={720}
      title={isNew ? t('service.desk.kb.new') : (data?.title ?? '')}
      extra={data ? <StatusTag article={data} /> : null}
      destroyOnHidden
      footer={
        <Flex justify="space-between" gap={8}>
          <div>
            {data && data.status !== 'archived' ? (
              <Button danger onClick={archive} disabled={action.isPending}>
                {t('service.desk.kb.archive')}
              </Button>
            ) : null}
          </div>
          <Space>
            <Button onClick={() => void save(false)} loading={action.isPending} data-testid="kb-save">
              {t('service.desk.kb.saveDraft')}
            </Button>
            <Button type="primary" onClick={() => void save(true)} loading={action.isPending} data-testid="kb-publish">
              {canPublish ? t('service.desk.kb.publish') : t('service.desk.kb.saveAndPublish')}
            </Button>
          </Space>
        </Flex>
      }
    >
      {!isNew && article.isPending ? (
        <Card loading />
      ) : !isNew && article.isError ? (
        <QueryError error={article.error} onRetry={() => void article.refetch()} />
      ) : (
        <>
          <Form<Values> form={form} layout="vertical">
            <Form.Item name="title" label={t('service.desk.kb.titleField')} rules={[{ required: true, whitespace: true, min: 2, message: t('service.desk.kb.titleRequired') }]}>
              <Input maxLength={100} data-testid="kb-title" />
            </Form.Item>
            <Form.Item name="body" label={t('service.desk.kb.body')} extra={t('service.desk.kb.bodyHelp')} rules={[{ required: true, whitespace: true, message: t('service.desk.kb.bodyRequired') }]}>
              <Input.TextArea rows={8} maxLength={5000} showCount data-testid="kb-body" />
            </Form.Item>
            <Form.Item name="tags" label={t('service.desk.kb.tags')} extra={t('service.desk.kb.tagsHelp')}>
              <Select mode="tags" tokenSeparators={[',', '，', ' ']} maxCount={10} data-testid="kb-tags" />
            </Form.Item>
            <Form.Item name="keywords" label={t('service.desk.kb.keywords')} extra={t('service.desk.kb.keywordsHelp')}>
              <Select mode="tags" tokenSeparators={[',', '，', ' ']} maxCount={30} data-testid="kb-keywords" />
            </Form.Item>
          </Form>
          <MutationErrorAlert error={action.error} unmatched={unmatched} onReload={() => void article.refetch()} />
          {data?.published && data.hasUnpublishedChanges ? (
            <Card size="small" title={t('service.desk.kb.agentsSee', { version: data.publishedVersion })} style={{ marginBottom: 16 }}>
              <Typography.Paragraph strong style={{ marginBottom: 4 }}>
                {data.published.title}
              </Typography.Paragraph>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{data.published.body}</Typography.Paragraph>
            </Card>
          ) : null}
          {data ? (
            <Card size="small" title={t('service.desk.kb.versions')}>
              <Timeline
                items={data.versions.map((version) => ({
                  key: version.version,
                  color: version.isPublished ? 'green' : 'gray',
                  content: (
                    <span>
                      <Typography.Text strong>v{version.version}</Typography.Text> {version.title} · {version.savedBy} · {formatDateTime(version.savedAt)}{' '}
                      {version.isPublished ? <Tag color="green">{t('service.desk.kb.status.published')}</Tag> : null}
                    </span>
                  ),
                }))}
              />
            </Card>
          ) : null}
        </>
      )}
    </Drawer>
  );
}
