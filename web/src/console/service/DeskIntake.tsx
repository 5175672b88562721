/**
 * The service desk's parts of the hotline intake page (热线受理): the call it was opened from, the likely
 * duplicates of what is being recorded, the knowledge-base search panel, and closing at first contact.
 */
import { CheckOutlined, PhoneOutlined, SearchOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Flex, Form, Input, List, Space, Spin, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { KnowledgeHit, ServiceDuplicate } from '../../api/types';
import { QueryError } from '../components/QueryError';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { errorMessage } from '../utils/errors';
import { formatDateTime } from '../utils/format';
import { useCall, useEndCall, useKnowledgeSearch } from './deskHooks';
import { categoryName, StateTag } from './parts';

/** The call the request is being taken on: who is calling (masked), since when, and "call ended". */
export function CallBanner({ callId }: { callId: string }) {
  const { t, i18n } = useTranslation();
  const call = useCall(callId);
  const end = useEndCall(callId);
  if (call.isPending) return <Spin size="small" />;
  if (call.isError) return <QueryError compact error={call.error} onRetry={() => void call.refetch()} />;
  const data = call.data;
  return (
    <Alert
      type="info"
      showIcon
      icon={<PhoneOutlined />}
      data-testid="intake-call"
      style={{ marginBottom: 16 }}
      title={t('service.desk.intake.callTitle', { number: data.numberMasked, time: formatDateTime(data.answeredAt ?? data.startedAt) })}
      description={
        <>
          {data.endedAt
            ? t('service.desk.intake.callEnded', { time: formatDateTime(data.endedAt), minutes: Math.max(1, Math.round((data.durationSeconds ?? 0) / 60)) })
            : t('service.desk.intake.callOpen')}
          {end.error ? <div><Typography.Text type="danger">{errorMessage(end.error, i18n.language, t('common.unexpectedError'))}</Typography.Text></div> : null}
        </>
      }
      action={
        data.endedAt ? null : (
          <Button size="small" loading={end.isPending} onClick={() => end.mutate({ endedAt: new Date().toISOString() })} data-testid="intake-call-end">
            {t('service.desk.intake.endCall')}
          </Button>
        )
      }
    />
  );
}

/** Requests of the same category at the same place within 24 h: open one, or attach the caller to it. */
export function DuplicateWarning({ duplicates, onAttach, attachingId }: { duplicates: ServiceDuplicate[]; onAttach: (duplicate: ServiceDuplicate) => void; attachingId: string | null }) {
  const { t, i18n } = useTranslation();
  if (duplicates.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      icon={<WarningOutlined />}
      data-testid="intake-duplicates"
      style={{ marginBottom: 16 }}
      title={t('service.desk.duplicates.title', { count: duplicates.length })}
      description={
        <List
          size="small"
          dataSource={duplicates}
          renderItem={(duplicate) => (
            <List.Item
              data-testid="intake-duplicate"
              actions={[
                <Button key="attach" size="small" type="primary" ghost loading={attachingId === duplicate.id} disabled={attachingId !== null} onClick={() => onAttach(duplicate)} data-testid="intake-attach">
                  {t('service.desk.duplicates.attach')}
                </Button>,
              ]}
            >
              <Space wrap size={6}>
                <Link to={`/service/${duplicate.id}`} target="_blank" className="sw-code" data-testid="intake-duplicate-link">
                  {duplicate.requestNo}
                </Link>
                <StateTag state={duplicate.state} />
                <span>{categoryName(duplicate.category, i18n.language)}</span>
                <Typography.Text type="secondary">{formatDateTime(duplicate.createdAt)}</Typography.Text>
                <Tag>{t(`service.desk.duplicates.match.${duplicate.match}`)}</Tag>
                {duplicate.contacts > 0 ? <Tag color="orange">{t('service.desk.duplicates.contacts', { count: duplicate.contacts })}</Tag> : null}
                {duplicate.address ? <Typography.Text type="secondary">{duplicate.address}</Typography.Text> : null}
              </Space>
            </List.Item>
          )}
        />
      }
    />
  );
}

/** 知识库: search the published standard answers while on the call, read one, and quote it. */
export function KnowledgePanel({ seed, quotedIds, onQuote }: { seed: string; quotedIds: readonly string[]; onQuote: (hit: KnowledgeHit) => void }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState<string | null>(null);
  const [tag, setTag] = useState<string | undefined>(undefined);
  const [open, setOpen] = useState<string | null>(null);
  // Until the agent types a query of their own, the caller's words in the description are the query.
  const q = useDebouncedValue((typed ?? seed).trim().slice(0, 100), 300);
  const search = useKnowledgeSearch(q, tag);
  const hits = search.data?.hits ?? [];
  return (
    <Card title={t('service.desk.kb.title')} size="small" data-testid="kb-panel" extra={search.isFetching ? <Spin size="small" /> : null}>
      <Input
        allowClear
        prefix={<SearchOutlined />}
        placeholder={t('service.desk.kb.placeholder')}
        value={typed ?? seed}
        onChange={(event) => setTyped(event.target.value)}
        data-testid="kb-search"
        aria-label={t('service.desk.kb.placeholder')}
      />
      {search.data && search.data.tags.length > 0 ? (
        <Flex wrap gap={4} style={{ marginTop: 8 }}>
          {search.data.tags.map((item) => (
            <Tag.CheckableTag key={item.tag} checked={tag === item.tag} onChange={(checked) => setTag(checked ? item.tag : undefined)}>
              {item.tag}
            </Tag.CheckableTag>
          ))}
        </Flex>
      ) : null}
      {search.isError ? (
        <QueryError compact error={search.error} onRetry={() => void search.refetch()} />
      ) : search.isPending ? (
        <Spin style={{ display: 'block', marginTop: 16 }} />
      ) : hits.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={q ? t('service.desk.kb.none') : t('service.desk.kb.empty')} />
      ) : (
        <List
          size="small"
          style={{ marginTop: 8 }}
          dataSource={hits}
          renderItem={(hit) => {
            const quoted = quotedIds.includes(hit.id);
            return (
              <List.Item data-testid="kb-hit" style={{ display: 'block' }}>
                <Flex justify="space-between" align="start" gap={8}>
                  <Typography.Link strong onClick={() => setOpen(open === hit.id ? null : hit.id)}>
                    {hit.title}
                  </Typography.Link>
                  <Button size="small" type={quoted ? 'default' : 'primary'} ghost={!quoted} icon={quoted ? <CheckOutlined /> : undefined} onClick={() => onQuote(hit)} data-testid="kb-quote">
                    {quoted ? t('service.desk.kb.quoted') : t('service.desk.kb.quote')}
                  </Button>
                </Flex>
                <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap', fontSize: 13 }}>
                  {open === hit.id ? hit.body : hit.snippet}
                </Typography.Paragraph>
                <Space size={4} wrap>
                  {hit.tags.map((item) => (
                    <Tag key={item} style={{ marginInlineEnd: 0 }}>
                      {item}
                    </Tag>
                  ))}
                  {hit.useCount > 0 ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('service.desk.kb.used', { count: hit.useCount })}</Typography.Text> : null}
                </Space>
              </List.Item>
            );
          }}
        />
      )}
    </Card>
  );
}

/** 一次解决: the answer given on the call; the request is closed when it is saved. */
export function FirstContactFields({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const on = Form.useWatch('resolveNow', form) === true;
  if (!enabled) return null;
  return (
    <Card size="small" className="sv-first-contact" style={{ marginBottom: 16 }}>
      <Form.Item name="resolveNow" valuePropName="checked" label={t('service.desk.intake.resolveNow')} extra={t('service.desk.intake.resolveNowHelp')} style={{ marginBottom: on ? 12 : 0 }}>
        <Switch data-testid="intake-resolve" />
      </Form.Item>
      {on ? (
        <Form.Item name="answer" label={t('service.desk.intake.answer')} rules={[{ required: true, whitespace: true, message: t('service.desk.intake.answerRequired') }, { min: 2, message: t('service.desk.intake.answerRequired') }]} style={{ marginBottom: 0 }}>
          <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('service.desk.intake.answerPlaceholder')} data-testid="intake-answer" />
        </Form.Item>
      ) : null}
    </Card>
  );
}

/** The confirm dialog's text when saving despite likely duplicates. */
export function useDuplicateConfirm() {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  return (numbers: string[], onOk: () => void) =>
    void modal.confirm({
      title: t('service.desk.duplicates.confirmTitle'),
      content: t('service.desk.duplicates.confirmText', { numbers: numbers.join('、') }),
      okText: t('service.desk.duplicates.confirmOk'),
      onOk,
    });
}
