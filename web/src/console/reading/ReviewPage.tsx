import { CheckOutlined, CloseOutlined, PictureOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Form, Image, Input, Modal, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReviewItem } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { usePhoto, useReview, useReviewQueue } from './api';
import { AnomalyTags } from './tags';
import { litresToM3, m3ToLitres } from './units';

type Decision = 'accept' | 'reject' | 'estimate';

/** Suspect readings waiting for a decision: accept (billed), reject (not billed), or estimate instead. */
export function ReviewPage() {
  const { t } = useTranslation();
  const queue = useReviewQueue();
  const [deciding, setDeciding] = useState<{ item: ReviewItem; decision: Decision } | null>(null);
  const [photoOf, setPhotoOf] = useState<string | null>(null);

  const columns: TableColumnsType<ReviewItem> = [
    { key: 'readOn', title: t('reading.review.readOn'), width: 110, render: (_, row) => row.reading.readOn },
    {
      key: 'account',
      title: t('reading.review.account'),
      width: 300,
      render: (_, row) => (
        <div>
          <span className="sw-code">{row.accountNo}</span>
          {row.routeName && <Typography.Text type="secondary"> · {row.routeName}</Typography.Text>}
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {row.address}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    { key: 'meter', title: t('reading.review.meter'), width: 130, render: (_, row) => <span className="sw-code">{row.meterSerial}</span> },
    {
      key: 'previous',
      title: t('reading.review.previous'),
      width: 130,
      render: (_, row) => (
        <div className="rd-figure">
          {litresToM3(row.previousRegisterLitres)}
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {row.previousReadOn ?? ''}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    { key: 'register', title: t('reading.review.register'), width: 110, render: (_, row) => <b className="rd-figure">{litresToM3(row.reading.registerLitres)}</b> },
    { key: 'use', title: t('reading.review.use'), width: 100, align: 'right', render: (_, row) => <span className="rd-figure">{litresToM3(row.reading.consumptionLitres)}</span> },
    {
      key: 'expected',
      title: t('reading.review.expected'),
      width: 150,
      render: (_, row) => (row.expected ? <span className="rd-figure">{`${litresToM3(row.expected.lowLitres)}–${litresToM3(row.expected.highLitres)}`}</span> : '—'),
    },
    { key: 'anomalies', title: t('reading.review.anomalies'), width: 150, render: (_, row) => <AnomalyTags anomalies={row.reading.anomalies} /> },
    {
      key: 'source',
      title: t('reading.review.source'),
      width: 120,
      render: (_, row) => (
        <div>
          {t(`reading.source.${row.reading.source}`)}
          {row.reading.staffName && (
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {row.reading.staffName}
              </Typography.Text>
            </div>
          )}
        </div>
      ),
    },
    {
      key: 'photo',
      title: t('reading.review.photo'),
      width: 70,
      render: (_, row) => (row.reading.hasPhoto ? <Button size="small" type="link" icon={<PictureOutlined />} onClick={() => setPhotoOf(row.reading.id)} aria-label={t('reading.review.viewPhoto')} /> : '—'),
    },
    {
      key: 'actions',
      title: t('reading.review.actions'),
      width: 250,
      fixed: 'right',
      render: (_, row) => (
        <Space size={4} wrap>
          <Button size="small" type="primary" icon={<CheckOutlined />} onClick={() => setDeciding({ item: row, decision: 'accept' })} data-testid="review-accept">
            {t('reading.review.accept')}
          </Button>
          <Button size="small" danger icon={<CloseOutlined />} onClick={() => setDeciding({ item: row, decision: 'reject' })}>
            {t('reading.review.reject')}
          </Button>
          <Button size="small" icon={<ThunderboltOutlined />} onClick={() => setDeciding({ item: row, decision: 'estimate' })}>
            {t('reading.review.estimate')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <Card>
      <Flex justify="space-between" align="center" gap={16} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('reading.review.title')}
        </Typography.Title>
        {queue.data && <Typography.Text type="secondary" data-testid="review-total">{t('reading.review.total', { count: queue.data.total })}</Typography.Text>}
      </Flex>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t('reading.review.subtitle')}
      </Typography.Paragraph>
      {queue.isError ? (
        <QueryError compact error={queue.error} onRetry={() => void queue.refetch()} />
      ) : (
        <Table<ReviewItem>
          rowKey={(row) => row.reading.id}
          size="small"
          loading={queue.isPending}
          columns={columns}
          dataSource={queue.data?.items ?? []}
          scroll={{ x: 1640 }}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          locale={{ emptyText: t('reading.review.empty') }}
          data-testid="review-table"
        />
      )}
      {deciding && <DecisionModal item={deciding.item} decision={deciding.decision} onClose={() => setDeciding(null)} />}
      {photoOf && <PhotoModal readingId={photoOf} onClose={() => setPhotoOf(null)} />}
    </Card>
  );
}

function DecisionModal({ item, decision, onClose }: { item: ReviewItem; decision: Decision; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const review = useReview();
  const [form] = Form.useForm<{ note: string; consumption?: string }>();
  return (
    <Modal
      open
      title={`${t(`reading.review.${decision}`)} · ${item.accountNo} · ${item.reading.readOn}`}
      okText={t(`reading.review.${decision}`)}
      okButtonProps={{ danger: decision === 'reject' }}
      cancelText={t('common.cancel')}
      confirmLoading={review.isPending}
      onCancel={onClose}
      onOk={() =>
        void form.validateFields().then((values) => {
          const litres = values.consumption ? m3ToLitres(values.consumption.replace('-', '')) : null;
          const signed = litres !== null && values.consumption?.trim().startsWith('-') ? -litres : litres;
          review.mutate(
            { id: item.reading.id, decision, note: values.note.trim(), ...(decision === 'accept' && signed !== null ? { consumptionLitres: signed } : {}) },
            {
              onSuccess: () => {
                void message.success(t('reading.review.done'));
                onClose();
              },
            },
          );
        })
      }
    >
      {review.isError && <MutationErrorAlert error={review.error} />}
      <Space style={{ marginBottom: 12 }} wrap>
        <AnomalyTags anomalies={item.reading.anomalies} />
        <Typography.Text>
          {t('reading.review.register')} <b className="rd-figure">{litresToM3(item.reading.registerLitres)}</b> · {t('reading.review.use')}{' '}
          <b className="rd-figure">{litresToM3(item.reading.consumptionLitres)}</b> {t('reading.units.m3')}
        </Typography.Text>
      </Space>
      <Form form={form} layout="vertical">
        {decision === 'accept' && (
          <Form.Item name="consumption" label={t('reading.review.consumption')} extra={t('reading.review.consumptionHelp')} rules={[{ pattern: /^-?\d{1,9}([.,]\d{0,3})?$/ }]}>
            <Input inputMode="decimal" placeholder={item.reading.consumptionLitres !== null ? litresToM3(item.reading.consumptionLitres) : ''} />
          </Form.Item>
        )}
        <Form.Item name="note" label={t('reading.review.note')} rules={[{ required: true, whitespace: true, message: t('reading.review.noteRequired') }]}>
          <Input.TextArea rows={2} maxLength={500} data-testid="review-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function PhotoModal({ readingId, onClose }: { readingId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const photo = usePhoto(readingId);
  return (
    <Modal open footer={null} title={t('reading.review.photo')} onCancel={onClose}>
      {photo.isError ? <QueryError compact error={photo.error} /> : photo.data ? <Image width="100%" src={`data:${photo.data.contentType};base64,${photo.data.dataBase64}`} /> : null}
    </Modal>
  );
}
