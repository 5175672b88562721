import { EnvironmentOutlined, PhoneOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Flex, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceRequest } from '../../api/types';
import { PageLoading } from '../components/PageLoading';
import { QueryError } from '../components/QueryError';
import { errorMessage } from '../utils/errors';
import { useRevealPhone } from './adminHooks';
import { useServiceRequest, useServiceRequests } from './hooks';
import { AlertTag, categoryName, Countdown, StateTag, useNow } from './parts';
import { CrewPhotos, LocationText, MaterialsPanel } from './media';
import { StepActions } from './StepActions';
import './service.css';

const MINE = { assignedToMe: true, open: true } as const;

/** 我的维修工单: the crew member's phone page. The open requests dispatched to them; a tap opens the big step buttons. */
export function CrewPage() {
  const { t } = useTranslation();
  const now = useNow();
  const list = useServiceRequests(MINE);
  const [openId, setOpenId] = useState<string | null>(null);
  if (list.isPending) return <PageLoading />;
  if (list.isError) return <QueryError compact error={list.error} onRetry={() => void list.refetch()} />;
  const requests = list.data;
  // With one job only, it is open from the start.
  const activeId = openId ?? (requests.length === 1 ? (requests[0]?.id ?? null) : null);
  return (
    <div data-testid="crew-page">
      <Typography.Title level={4} style={{ margin: '4px 0 12px' }}>
        {t('service.crew.title')}
      </Typography.Title>
      {requests.length === 0 && <Empty style={{ marginTop: 32 }} description={t('service.crew.empty')} />}
      {requests.map((request) => (
        <CrewCard key={request.id} request={request} now={now} open={activeId === request.id} onToggle={() => setOpenId(activeId === request.id ? '' : request.id)} />
      ))}
    </div>
  );
}

function CrewCard({ request, now, open, onToggle }: { request: ServiceRequest; now: number; open: boolean; onToggle: () => void }) {
  const { i18n } = useTranslation();
  const overdue = request.nextDeadline !== null && new Date(request.nextDeadline.dueAt).getTime() < now;
  return (
    <Card className={`sv-crew-card${overdue ? ' sv-crew-overdue' : request.state === 'restored' ? ' sv-crew-done' : ''}`} data-testid="crew-request">
      <div role="button" tabIndex={0} aria-expanded={open} data-testid="crew-toggle" onClick={onToggle} onKeyDown={(event) => (event.key === 'Enter' ? onToggle() : undefined)} style={{ cursor: 'pointer' }}>
        <Flex justify="space-between" align="flex-start" gap={8}>
          <div style={{ minWidth: 0 }}>
            <Space size={6} wrap>
              <Typography.Text strong>{categoryName(request.category, i18n.language)}</Typography.Text>
              <StateTag state={request.state} />
              {request.alertLevel >= 3 && <AlertTag level={request.alertLevel} />}
            </Space>
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }} className="sw-code">
                {request.requestNo}
              </Typography.Text>
            </div>
          </div>
          <RightOutlined rotate={open ? 90 : 0} style={{ marginTop: 4 }} />
        </Flex>
        <div style={{ marginTop: 6 }}>
          {request.address === null && request.latitude !== null && request.longitude !== null ? (
            <LocationText latitude={request.latitude} longitude={request.longitude} />
          ) : (
            <>
              <EnvironmentOutlined /> <Typography.Text>{request.address ?? '—'}</Typography.Text>
            </>
          )}
        </div>
        <Typography.Paragraph type="secondary" ellipsis={open ? false : { rows: 2 }} style={{ margin: '4px 0' }}>
          {request.description}
        </Typography.Paragraph>
        <Flex justify="space-between" align="center" gap={8} wrap>
          {request.nextDeadline ? <Countdown deadline={request.nextDeadline} now={now} /> : <span />}
          {request.contactPhoneMasked || request.contactName ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              <PhoneOutlined /> {[request.contactName, request.contactPhoneMasked].filter(Boolean).join(' ')}
            </Typography.Text>
          ) : null}
        </Flex>
      </div>
      {open && <CrewSteps id={request.id} />}
    </Card>
  );
}

function CrewSteps({ id }: { id: string }) {
  const { t } = useTranslation();
  const detail = useServiceRequest(id);
  if (detail.isPending) return <PageLoading />;
  if (detail.isError) return <QueryError compact error={detail.error} onRetry={() => void detail.refetch()} />;
  return (
    <div style={{ marginTop: 12 }}>
      {/* The reveal only where there is a number to show (the request's contact phone, else the customer's). */}
      {detail.data.hasContactPhone ? (
        <RevealPhone id={id} />
      ) : (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }} data-testid="crew-no-phone">
          <PhoneOutlined /> {t('service.reveal.none')}
        </Typography.Paragraph>
      )}
      {detail.data.state === 'restored' ? (
        <Typography.Text type="success">{t('service.crew.finished')}</Typography.Text>
      ) : (
        <StepActions big request={detail.data} onReload={() => void detail.refetch()} />
      )}
      {/* Photos of the steps taken, and the materials used once on site. */}
      <CrewPhotos request={detail.data} />
      {['arrived', 'controlled', 'restored'].includes(detail.data.state) && (
        <div className="sv-crew-media">
          <Typography.Text strong>{t('serviceMedia.materials')}</Typography.Text>
          <MaterialsPanel compact request={detail.data} />
        </div>
      )}
    </div>
  );
}

/** The resident's full number, shown to the crew member who holds the job on request (audited), to call from the site. */
function RevealPhone({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const reveal = useRevealPhone(id);
  if (reveal.data) {
    return (
      <Button block size="large" icon={<PhoneOutlined />} href={`tel:${reveal.data.number}`} style={{ marginBottom: 8 }} data-testid="crew-call">
        {t('service.reveal.call', { number: reveal.data.number })}
      </Button>
    );
  }
  return (
    <div style={{ marginBottom: 8 }}>
      <Button block size="large" icon={<PhoneOutlined />} loading={reveal.isPending} onClick={() => reveal.mutate()} data-testid="crew-reveal-phone">
        {t('service.reveal.button')}
      </Button>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('service.reveal.audited')}
      </Typography.Text>
      {reveal.isError ? (
        <Typography.Paragraph type="danger" role="alert" style={{ margin: 0 }}>
          {errorMessage(reveal.error, i18n.language, t('common.unexpectedError'))}
        </Typography.Paragraph>
      ) : null}
    </div>
  );
}
