/** A request's desk side on its page: resolved at first contact, its calls, the standard answers given, follow-ups and ratings. */
import { CheckCircleFilled } from '@ant-design/icons';
import { Button, Card, Descriptions, Rate, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceFollowUp } from '../../api/types';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { formatDateTime } from '../utils/format';
import { useRequestDesk } from './deskHooks';
import { FollowUpResultModal, FollowUpReviewModal } from './FollowUpModals';

export function FollowUpTags({ followUp }: { followUp: ServiceFollowUp }) {
  const { t } = useTranslation();
  const color = { pending: 'gold', done: 'green', unreachable: 'default', cancelled: 'default' }[followUp.state];
  return (
    <Space size={4} wrap>
      <Tag color={color} style={{ marginInlineEnd: 0 }} data-testid="followup-state">
        {t(`service.desk.followUps.state.${followUp.state}`)}
      </Tag>
      {followUp.outcome && followUp.outcome !== 'satisfied' ? (
        <Tag color={followUp.outcome === 'escalated' && !followUp.reviewedAt ? 'red' : 'orange'} style={{ marginInlineEnd: 0 }}>
          {t(`service.desk.followUps.outcome.${followUp.outcome}`)}
        </Tag>
      ) : null}
    </Space>
  );
}

export function DeskPanel({ requestId, version }: { requestId: string; version: number }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const desk = useRequestDesk(requestId, version);
  const [recording, setRecording] = useState<ServiceFollowUp | null>(null);
  const [reviewing, setReviewing] = useState<ServiceFollowUp | null>(null);
  if (desk.isPending) return <Card loading title={t('service.desk.panel.title')} />;
  if (desk.isError) return <QueryError compact error={desk.error} onRetry={() => void desk.refetch()} />;
  const data = desk.data;
  // Nothing of the desk's yet (no call, answer or follow-up): the page stays as it was.
  if (!data.firstContactResolution && data.calls.length === 0 && data.knowledge.length === 0 && data.followUps.length === 0) return null;
  return (
    <Card title={t('service.desk.panel.title')} size="small" data-testid="desk-panel">
      {data.firstContactResolution ? (
        <Tag color="green" icon={<CheckCircleFilled />} data-testid="desk-fcr" style={{ marginBottom: 8 }}>
          {t('service.desk.panel.firstContact')}
        </Tag>
      ) : null}
      {data.calls.length > 0 ? (
        <Descriptions size="small" column={1} title={<Typography.Text strong>{t('service.desk.panel.calls')}</Typography.Text>} items={data.calls.map((call) => ({
          key: call.id,
          label: formatDateTime(call.startedAt),
          children: `${t(`service.desk.calls.direction.${call.direction}`)} · ${call.numberMasked} · ${t(`service.desk.calls.outcome.${call.outcome}`)}${call.agent ? ` · ${call.agent}` : ''}`,
        }))} />
      ) : null}
      {data.knowledge.length > 0 ? (
        <Descriptions size="small" column={1} title={<Typography.Text strong>{t('service.desk.panel.knowledge')}</Typography.Text>} items={data.knowledge.map((item) => ({
          key: `${item.id}-${item.usedAt}`,
          label: item.title,
          children: t('service.desk.panel.version', { version: item.version, by: item.usedBy }),
        }))} />
      ) : null}
      {data.followUps.map((followUp) => (
        <div key={followUp.id} className="sv-followup" data-testid="desk-followup">
          <Space wrap size={6}>
            <Typography.Text strong>{t('service.desk.panel.followUp')}</Typography.Text>
            <FollowUpTags followUp={followUp} />
            {followUp.rating !== null ? <Rate disabled value={followUp.rating} style={{ fontSize: 14 }} /> : null}
          </Space>
          <div className="sv-deadline-time">
            {followUp.recordedAt
              ? t('service.desk.panel.rated', { via: followUp.ratedVia ? t(`service.desk.followUps.via.${followUp.ratedVia}`) : '—', time: formatDateTime(followUp.recordedAt), by: followUp.recordedBy ?? '' })
              : t('service.desk.panel.due', { time: formatDateTime(followUp.dueAt) })}
          </div>
          {followUp.comment ? <div className="sv-note">{followUp.comment}</div> : null}
          {followUp.reviewNote ? <div className="sv-note">{t('service.desk.panel.review', { note: followUp.reviewNote, by: followUp.reviewedBy ?? '' })}</div> : null}
          <Space style={{ marginTop: 6 }}>
            {followUp.state === 'pending' && can('service.handle') ? (
              <Button size="small" onClick={() => setRecording(followUp)} data-testid="desk-record-followup">
                {t('service.desk.followUps.record')}
              </Button>
            ) : null}
            {followUp.outcome === 'escalated' && !followUp.reviewedAt && can('service.supervise') ? (
              <Button size="small" danger onClick={() => setReviewing(followUp)}>
                {t('service.desk.followUps.review')}
              </Button>
            ) : null}
          </Space>
        </div>
      ))}
      <FollowUpResultModal followUp={recording} onClose={() => setRecording(null)} />
      <FollowUpReviewModal followUp={reviewing} onClose={() => setReviewing(null)} />
    </Card>
  );
}
