/** Pieces the service pages share: state and level tags, the deadline countdown, the time-limit steps and the history. */
import { CheckCircleOutlined, ClockCircleOutlined, ExclamationCircleOutlined, WarningOutlined } from '@ant-design/icons';
import { Steps, Tag, Timeline, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Permission, ServiceDeadline, ServiceEvent, ServiceRequest, ServiceRequestKind, ServiceRequestState, ServiceStep } from '../../api/types';
import { formatDateTime } from '../utils/format';

export const KINDS: ServiceRequestKind[] = ['repair', 'complaint', 'inquiry', 'suggestion', 'praise'];
export const STATES: ServiceRequestState[] = ['submitted', 'accepted', 'responded', 'dispatched', 'en_route', 'arrived', 'controlled', 'restored', 'closed', 'cancelled'];

/** Who may take which step (the server's states.ts, mirrored to show only the buttons that will work). */
const STEP_PERMISSIONS: Record<'desk' | 'field', Partial<Record<ServiceStep, Permission>>> = {
  desk: { accept: 'service.handle', respond: 'service.handle', close: 'service.handle', cancel: 'service.handle', reopen: 'service.supervise' },
  field: {
    accept: 'service.handle',
    dispatch: 'service.dispatch',
    reassign: 'service.dispatch',
    depart: 'service.field',
    arrive: 'service.field',
    control: 'service.field',
    restore: 'service.field',
    close: 'service.dispatch',
    cancel: 'service.dispatch',
    reopen: 'service.supervise',
  },
};
export const FIELD_STEPS: ServiceStep[] = ['depart', 'arrive', 'control', 'restore'];

/** The steps the server lists that this staff member may take now. */
export function stepsFor(request: { kind: ServiceRequestKind; assignee: { id: string } | null; nextSteps: ServiceStep[] }, staffId: string, can: (permission: Permission) => boolean): ServiceStep[] {
  const table = STEP_PERMISSIONS[request.kind === 'repair' ? 'field' : 'desk'];
  return request.nextSteps.filter((step) => {
    const permission = table[step];
    if (!permission || !can(permission)) return false;
    return !FIELD_STEPS.includes(step) || request.assignee?.id === staffId;
  });
}

/** The current time, moving on every `intervalMs`, so that countdowns count down without a refetch. */
export function useNow(intervalMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** "2 小时 5 分" / "2 h 5 min" for a span of milliseconds (its absolute value). */
export function formatSpan(t: TFunction, ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 60) return t('service.countdown.minutes', { m: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('service.countdown.hours', { h: hours, m: minutes % 60 });
  return t('service.countdown.days', { d: Math.floor(hours / 24), h: hours % 24 });
}

const STATE_COLORS: Record<ServiceRequestState, string> = {
  submitted: 'gold',
  accepted: 'blue',
  responded: 'cyan',
  dispatched: 'geekblue',
  en_route: 'purple',
  arrived: 'purple',
  controlled: 'orange',
  restored: 'lime',
  closed: 'green',
  cancelled: 'default',
};

export function StateTag({ state }: { state: ServiceRequestState }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATE_COLORS[state]} style={{ marginInlineEnd: 0 }} data-testid="service-state">
      {t(`service.state.${state}`)}
    </Tag>
  );
}

/** 预警级别 1–5: 4 and up reaches the duty leader. */
export function AlertTag({ level }: { level: number }) {
  const { t } = useTranslation();
  const color = level >= 4 ? 'red' : level === 3 ? 'volcano' : level === 2 ? 'orange' : 'default';
  return (
    <Tag color={color} icon={level >= 3 ? <WarningOutlined /> : undefined} style={{ marginInlineEnd: 0 }} title={t('service.alert.title')}>
      {t('service.alert.level', { level })}
    </Tag>
  );
}

export const categoryName = (category: { name: string; nameEn: string }, language: string) => (language.startsWith('en') ? category.nameEn : category.name);

/** The next deadline as "受理 · 剩 25 分", red once it has passed. */
export function Countdown({ deadline, now, compact }: { deadline: ServiceDeadline | null; now: number; compact?: boolean }) {
  const { t } = useTranslation();
  if (!deadline) return <Typography.Text type="secondary">—</Typography.Text>;
  const left = new Date(deadline.dueAt).getTime() - now;
  const overdue = left < 0;
  return (
    <span className={`sv-countdown${overdue ? ' sv-overdue' : left < 15 * 60_000 ? ' sv-soon' : ''}`} data-testid="service-countdown" title={formatDateTime(deadline.dueAt)}>
      {overdue ? <ExclamationCircleOutlined /> : <ClockCircleOutlined />} {t(`service.limit.${deadline.timeLimit}`)}
      {compact ? ' ' : ' · '}
      {overdue ? t('service.countdown.over', { time: formatSpan(t, left) }) : t('service.countdown.left', { time: formatSpan(t, left) })}
    </span>
  );
}

type DeadlineStatus = 'onTime' | 'late' | 'pending' | 'overdue';
function deadlineStatus(deadline: ServiceDeadline, now: number): DeadlineStatus {
  if (deadline.metAt) return new Date(deadline.metAt) <= new Date(deadline.dueAt) ? 'onTime' : 'late';
  return new Date(deadline.dueAt).getTime() < now ? 'overdue' : 'pending';
}

/** The request's time limits as a step bar: met on time, met late, pending (with its countdown) or overdue. */
export function DeadlineSteps({ request, now, vertical }: { request: ServiceRequest; now: number; vertical?: boolean }) {
  const { t } = useTranslation();
  const finished = request.state === 'closed' || request.state === 'cancelled';
  const current = request.nextDeadline?.timeLimit;
  return (
    <Steps
      size="small"
      orientation={vertical ? 'vertical' : 'horizontal'}
      data-testid="service-deadlines"
      items={request.deadlines.map((deadline) => {
        const status = deadlineStatus(deadline, now);
        const text = {
          onTime: <Typography.Text type="success">{t('service.detail.metOnTime')}</Typography.Text>,
          late: <Typography.Text type="warning">{t('service.detail.metLate')}</Typography.Text>,
          overdue: <Typography.Text type="danger">{t('service.detail.overdue')}</Typography.Text>,
          pending: <Typography.Text type="secondary">{t('service.detail.pending')}</Typography.Text>,
        }[status];
        return {
          title: t(`service.limit.${deadline.timeLimit}`),
          status: status === 'onTime' || status === 'late' ? 'finish' : status === 'overdue' && !finished ? 'error' : deadline.timeLimit === current && !finished ? 'process' : 'wait',
          icon: status === 'late' ? <CheckCircleOutlined style={{ color: '#faad14' }} /> : undefined,
          content: (
            <div className="sv-deadline" data-testid={`deadline-${deadline.timeLimit}`} data-status={status}>
              <div>{text}</div>
              <div className="sv-deadline-time">{deadline.metAt ? formatDateTime(deadline.metAt) : t('service.detail.dueAt', { time: formatDateTime(deadline.dueAt) })}</div>
              {!deadline.metAt && !finished && deadline.timeLimit === current ? <Countdown deadline={deadline} now={now} compact /> : null}
              {deadline.escalationLevel > 0 ? <Tag color="red">{t('service.detail.escalated', { level: deadline.escalationLevel })}</Tag> : null}
            </div>
          ),
        };
      })}
    />
  );
}

/** Who took a step: a staff member by name with their roles; a customer or the system as such (the raw record stays in the audit log). */
function EventActor({ event }: { event: ServiceEvent }) {
  const { t, i18n } = useTranslation();
  if (event.actorKind === 'staff') {
    const english = i18n.language.startsWith('en');
    const roles = event.actorRoles.map((role) => t(`role.${role}`, { defaultValue: role })).join(english ? ', ' : '、');
    return (
      <>
        {event.actorName ?? t('service.actor.system')}
        {roles ? (english ? ` (${roles})` : `（${roles}）`) : ''}
      </>
    );
  }
  return <>{t(`service.actor.${event.actorKind}`)}</>;
}

export const stepLabel = (t: TFunction, step: string) => t(`service.step.${step}`, { defaultValue: step });

/** Every step taken, oldest first: who, when, the state it moved to, the note. */
export function EventTimeline({ events, extra }: { events: ServiceEvent[]; /** What to show under an event (its photos). */ extra?: (event: ServiceEvent, index: number) => ReactNode }) {
  const { t } = useTranslation();
  return (
    <Timeline
      data-testid="service-events"
      items={events.map((event, index) => ({
        key: index,
        color: event.step === 'escalate' ? 'red' : event.toState === 'closed' ? 'green' : event.step === 'cancel' ? 'gray' : 'blue',
        content: (
          <div data-testid="service-event">
            <div className="sv-deadline-time">{formatDateTime(event.at)}</div>
            <Typography.Text strong>{stepLabel(t, event.step)}</Typography.Text>
            {event.toState ? (
              <Typography.Text type="secondary">
                {' '}
                · {t(`service.state.${event.toState}`, { defaultValue: event.toState })}
              </Typography.Text>
            ) : null}
            <Typography.Text type="secondary" data-testid="service-event-actor">
              {' '}
              · <EventActor event={event} />
            </Typography.Text>
            {event.note ? <div className="sv-note">{event.note}</div> : null}
            {extra?.(event, index)}
          </div>
        ),
      }))}
    />
  );
}
