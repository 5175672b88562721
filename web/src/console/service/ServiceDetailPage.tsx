import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Flex, Row, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { PageLoading } from '../components/PageLoading';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { formatDateTime } from '../utils/format';
import { useServiceRequest } from './hooks';
import { AlertTag, categoryName, Countdown, DeadlineSteps, EventTimeline, StateTag, useNow } from './parts';
import { DeskPanel } from './DeskPanel';
import { CrewPhotos, LocationText, MaterialsPanel, PhotoThumbs, PhotoUploadButton, photosByEvent } from './media';
import { StepActions } from './StepActions';
import './service.css';

/** One request: what was reported, its time limits as steps, every step taken, and the buttons for the next ones. */
export function ServiceDetailPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const now = useNow();
  const query = useServiceRequest(id);
  if (query.isPending) return <PageLoading />;
  if (query.isError) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  const request = query.data;
  const reload = () => void query.refetch();
  const photosOfEvent = photosByEvent(request.events, request.photos);

  return (
    <Flex vertical gap={16} data-testid="service-detail-page">
      <Card>
        <Flex align="center" gap={8} wrap>
          <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t('service.detail.back')} onClick={() => void navigate('/service')} />
          <Typography.Title level={4} style={{ margin: 0 }} className="sw-code" data-testid="service-detail-no">
            {request.requestNo}
          </Typography.Title>
          <StateTag state={request.state} />
          <AlertTag level={request.alertLevel} />
          <Typography.Text type="secondary">
            {categoryName(request.category, i18n.language)} · {t(`service.kind.${request.kind}`)}
          </Typography.Text>
          <Flex flex={1} justify="flex-end">
            {request.nextDeadline && <Countdown deadline={request.nextDeadline} now={now} />}
          </Flex>
        </Flex>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Flex vertical gap={16}>
            <Card title={t('service.detail.deadlines')}>
              <DeadlineSteps request={request} now={now} />
            </Card>
            <Card>
              <Descriptions
                column={{ xs: 1, md: 2 }}
                size="small"
                items={[
                  { key: 'channel', label: t('service.detail.channel'), children: t(`service.channel.${request.channel}`) },
                  { key: 'createdAt', label: t('service.detail.createdAt'), children: formatDateTime(request.createdAt) },
                  { key: 'address', label: t('service.detail.address'), span: 'filled', children: request.address ?? '—' },
                  ...(request.latitude !== null && request.longitude !== null
                    ? [{ key: 'location', label: t('serviceMedia.location'), span: 'filled' as const, children: <LocationText latitude={request.latitude} longitude={request.longitude} /> }]
                    : []),
                  {
                    key: 'description',
                    label: t('service.detail.description'),
                    span: 'filled',
                    children: <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{request.description}</Typography.Paragraph>,
                  },
                  {
                    key: 'contact',
                    label: t('service.detail.contact'),
                    children: [request.contactName, request.contactPhoneMasked].filter(Boolean).join(' · ') || '—',
                  },
                  { key: 'assignee', label: t('service.detail.assignee'), children: <span data-testid="service-assignee">{request.assignee?.name ?? '—'}</span> },
                  ...(request.closedAt ? [{ key: 'closedAt', label: t('service.detail.closedAt'), children: formatDateTime(request.closedAt) }] : []),
                  ...(request.customerId
                    ? [
                        {
                          key: 'customer',
                          label: t('service.detail.customer'),
                          children: <Typography.Link onClick={() => void navigate(`/customers/${request.customerId}`)}>{t('service.detail.openCustomer')}</Typography.Link>,
                        },
                      ]
                    : []),
                ]}
              />
            </Card>
            <DeskPanel requestId={request.id} version={request.version} />
            <Card
              title={t('service.detail.events')}
              extra={can('service.handle') && request.state !== 'closed' && request.state !== 'cancelled' ? <PhotoUploadButton request={request} step="submit" label={t('serviceMedia.addReportPhoto')} /> : null}
            >
              <EventTimeline events={request.events} extra={(_event, index) => <PhotoThumbs requestId={request.id} photos={photosOfEvent.get(index) ?? []} />} />
            </Card>
            {request.kind === 'repair' && (
              <Card title={t('serviceMedia.materials')}>
                <MaterialsPanel request={request} />
              </Card>
            )}
          </Flex>
        </Col>
        <Col xs={24} lg={8}>
          <Card title={t('service.detail.actions')} style={{ position: 'sticky', top: 16 }}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              <StepActions request={request} onReload={reload} />
              <CrewPhotos request={request} />
            </Space>
          </Card>
        </Col>
      </Row>
    </Flex>
  );
}
