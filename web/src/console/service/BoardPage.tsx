/** 调度看板: open work by area (district), each area's requests most urgent first, with live countdowns; dispatch from the card. */
import { EnvironmentOutlined, PhoneOutlined, UserOutlined } from '@ant-design/icons';
import { App, Badge, Button, Card, Empty, Flex, Form, Modal, Segmented, Select, Skeleton, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ServiceBoardArea, ServiceCrew, ServiceRequest } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { formatDateTime } from '../utils/format';
import { useAssignFromBoard, useServiceBoard, type BoardFilter } from './adminHooks';
import { AlertTag, categoryName, Countdown, StateTag, useNow } from './parts';
import { ReassignModal } from './ReassignModal';
import './service.css';

export function BoardPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const now = useNow(5_000);
  const [filter, setFilter] = useState<BoardFilter>({ track: 'field' });
  const board = useServiceBoard(filter);
  const [assigning, setAssigning] = useState<ServiceRequest | null>(null);
  const [reassigning, setReassigning] = useState<ServiceRequest | null>(null);
  const canAssign = (request: ServiceRequest) =>
    request.kind === 'repair' && can('service.dispatch') && (request.state === 'accepted' || (request.state === 'submitted' && can('service.handle')));
  // Until the crew is on site (the server's rule; it refuses after).
  const canReassign = (request: ServiceRequest) => request.kind === 'repair' && can('service.dispatch') && (request.state === 'dispatched' || request.state === 'en_route');
  const actions = { canAssign, onAssign: setAssigning, canReassign, onReassign: setReassigning };
  return (
    <Flex vertical gap={16} data-testid="service-board">
      <Card>
        <Flex justify="space-between" align="center" wrap gap={12}>
          <div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('service.board.title')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('service.board.subtitle')}</Typography.Text>
          </div>
          <Space wrap>
            <Segmented
              value={filter.track}
              onChange={(track) => setFilter({ ...filter, track: track as BoardFilter['track'] })}
              options={(['field', 'desk', 'all'] as const).map((track) => ({ value: track, label: t(`service.board.track.${track}`) }))}
              data-testid="board-track"
            />
            <Select
              aria-label={t('service.board.minLevel')}
              style={{ width: 150 }}
              value={filter.minAlertLevel ?? 0}
              onChange={(level: number) => setFilter(level === 0 ? { track: filter.track } : { ...filter, minAlertLevel: level })}
              options={[{ value: 0, label: t('service.board.anyLevel') }, ...[2, 3, 4].map((level) => ({ value: level, label: t('service.board.levelAtLeast', { level }) }))]}
              data-testid="board-level"
            />
          </Space>
        </Flex>
        {board.data ? (
          <Flex gap={8} wrap align="center" style={{ marginTop: 12 }} data-testid="board-crews">
            <Typography.Text type="secondary">
              <UserOutlined /> {t('service.board.crews')}:
            </Typography.Text>
            {board.data.crews.map((crew) => (
              <Tag key={crew.id} color={crew.openRequests > 2 ? 'orange' : crew.openRequests > 0 ? 'blue' : 'green'}>
                {crew.name} · {t('service.board.crewLoad', { count: crew.openRequests })}
              </Tag>
            ))}
            <Typography.Text type="secondary" style={{ marginLeft: 'auto', fontSize: 12 }}>
              {t('service.board.refreshed', { time: formatDateTime(board.data.generatedAt) })}
            </Typography.Text>
          </Flex>
        ) : null}
      </Card>
      {board.isPending ? (
        <Card>
          <Skeleton active />
        </Card>
      ) : board.isError ? (
        <QueryError error={board.error} onRetry={() => void board.refetch()} />
      ) : board.data.areas.length === 0 ? (
        <Card>
          <Empty description={t('service.board.empty')} />
        </Card>
      ) : (
        <div className="sv-board">
          {board.data.areas.map((area) => (
            <AreaColumn key={area.area ?? ''} area={area} now={now} actions={actions} />
          ))}
        </div>
      )}
      {assigning && board.data ? <AssignModal request={assigning} crews={board.data.crews} onClose={() => setAssigning(null)} /> : null}
      {reassigning ? <ReassignModal request={reassigning} onClose={() => setReassigning(null)} onReload={() => void board.refetch()} /> : null}
    </Flex>
  );
}

interface CardActions {
  canAssign: (request: ServiceRequest) => boolean;
  onAssign: (request: ServiceRequest) => void;
  canReassign: (request: ServiceRequest) => boolean;
  onReassign: (request: ServiceRequest) => void;
}

function AreaColumn({ area, now, actions }: { area: ServiceBoardArea; now: number; actions: CardActions }) {
  const { t } = useTranslation();
  const name = area.area ?? t('service.board.unlocated');
  return (
    <section className="sv-board-column" aria-label={name} data-testid="board-area" data-area={area.area ?? ''}>
      <Flex justify="space-between" align="center" className="sv-board-head">
        <Typography.Text strong>
          <EnvironmentOutlined /> {name}
        </Typography.Text>
        <Space size={4}>
          <Tag style={{ marginInlineEnd: 0 }}>{t('service.board.open', { count: area.open })}</Tag>
          {area.overdue > 0 ? (
            <Tag color="red" style={{ marginInlineEnd: 0 }}>
              {t('service.board.overdue', { count: area.overdue })}
            </Tag>
          ) : null}
        </Space>
      </Flex>
      {area.requests.map((request) => (
        <BoardCard key={request.id} request={request} now={now} actions={actions} />
      ))}
    </section>
  );
}

function BoardCard({ request, now, actions }: { request: ServiceRequest; now: number; actions: CardActions }) {
  const { t, i18n } = useTranslation();
  const overdue = request.nextDeadline !== null && new Date(request.nextDeadline.dueAt).getTime() < now;
  return (
    <Card size="small" className={`sv-board-card${overdue ? ' sv-board-overdue' : request.alertLevel >= 4 ? ' sv-board-urgent' : ''}`} data-testid="board-card" data-request-no={request.requestNo}>
      <Flex justify="space-between" gap={6} align="flex-start">
        <Space size={4} wrap>
          <Typography.Text strong>{categoryName(request.category, i18n.language)}</Typography.Text>
          <AlertTag level={request.alertLevel} />
        </Space>
        <StateTag state={request.state} />
      </Flex>
      <div className="sv-board-no sw-code">{request.requestNo}</div>
      <div className="sv-board-address">{request.address ?? (request.latitude !== null ? `${request.latitude.toFixed(5)}, ${request.longitude?.toFixed(5)}` : '—')}</div>
      {request.contactPhoneMasked || request.contactName ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="board-contact">
          <PhoneOutlined /> {[request.contactName, request.contactPhoneMasked].filter(Boolean).join(' ')}
        </Typography.Text>
      ) : null}
      <Flex justify="space-between" align="center" gap={6} wrap style={{ marginTop: 6 }}>
        {request.nextDeadline ? <Countdown deadline={request.nextDeadline} now={now} /> : <Typography.Text type="secondary">{t('service.board.noDeadline')}</Typography.Text>}
        {request.assignee ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            <UserOutlined /> {request.assignee.name}
          </Typography.Text>
        ) : null}
      </Flex>
      <Flex gap={8} justify="flex-end" style={{ marginTop: 8 }}>
        <Link to={`/service/${request.id}`}>
          <Button size="small">{t('service.board.open_detail')}</Button>
        </Link>
        {actions.canReassign(request) ? (
          <Button size="small" onClick={() => actions.onReassign(request)} data-testid="board-reassign">
            {t('service.board.reassign')}
          </Button>
        ) : null}
        {actions.canAssign(request) ? (
          <Button size="small" type="primary" onClick={() => actions.onAssign(request)} data-testid="board-assign">
            {request.state === 'submitted' ? t('service.board.acceptAndAssign') : t('service.board.assign')}
          </Button>
        ) : null}
      </Flex>
    </Card>
  );
}

function AssignModal({ request, crews, onClose }: { request: ServiceRequest; crews: ServiceCrew[]; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ staffId?: string }>();
  const assign = useAssignFromBoard();
  return (
    <Modal
      open
      title={t('service.board.assignTitle', { no: request.requestNo })}
      okText={request.state === 'submitted' ? t('service.board.acceptAndAssign') : t('service.board.assign')}
      confirmLoading={assign.isPending}
      onCancel={onClose}
      onOk={() =>
        void form
          .validateFields()
          .then(({ staffId }) => {
            if (!staffId) return;
            assign.mutate(
              { request, staffId },
              {
                onSuccess: (detail) => {
                  void message.success(t('service.board.assigned', { name: detail.assignee?.name ?? '' }));
                  onClose();
                },
              },
            );
          })
          // The form shows what is missing next to the field.
          .catch(() => undefined)
      }
      destroyOnHidden
    >
      <Form form={form} layout="vertical">
        <Form.Item name="staffId" label={t('service.dispatch.crew')} rules={[{ required: true, message: t('service.dispatch.crewRequired') }]}>
          <Select
            data-testid="board-crew"
            notFoundContent={t('service.dispatch.noCrew')}
            options={crews.map((crew) => ({
              value: crew.id,
              label: (
                <Flex justify="space-between">
                  <span>{crew.name}</span>
                  <Badge count={t('service.dispatch.openRequests', { count: crew.openRequests })} color={crew.openRequests > 0 ? 'blue' : 'green'} />
                </Flex>
              ),
            }))}
          />
        </Form.Item>
      </Form>
      <MutationErrorAlert error={assign.error} />
    </Modal>
  );
}
