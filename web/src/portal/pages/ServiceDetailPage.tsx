/** One of the customer's requests: what was reported, who holds it now, the promised time, and every step so far. */
import { useQuery } from '@tanstack/react-query';
import { Steps } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../../api/client';
import type { ServiceRequestDetail } from '../../api/types';
import { Page } from '../components/Page';
import { CardSkeleton, EmptyState, ErrorState } from '../components/states';
import { fill } from './PayMessages';
import { formatDateTime } from './PayParts';
import { fetchServiceRequest, serviceQueryKeys } from './ServiceApi';
import { ServiceStateTag, useServiceText } from './ServiceParts';
import { ServiceRating } from './ServiceRating';
import { ServiceMaterials, ServicePhotos } from './ServicePhotos';
import './Service.css';

export function ServiceDetailPage(): ReactElement {
  const { id = '' } = useParams();
  const { text } = useServiceText();
  const request = useQuery({ queryKey: serviceQueryKeys.detail(id), queryFn: () => fetchServiceRequest(id) });
  let body: ReactElement;
  if (request.isPending) body = <CardSkeleton />;
  else if (request.isError && request.error instanceof ApiError && request.error.status === 404)
    body = <EmptyState title={text.notFound} description={text.notFoundDescription} />;
  else if (request.isError) body = <ErrorState error={request.error} onRetry={() => void request.refetch()} />;
  else body = <Detail request={request.data} />;
  return (
    <Page title={text.detailTitle} back testId="service-detail-page">
      <div className="portal-content">{body}</div>
    </Page>
  );
}

function Detail({ request }: { request: ServiceRequestDetail }): ReactElement {
  const { text, language } = useServiceText();
  const finished = request.state === 'closed' || request.state === 'cancelled';
  const holder = request.assignee?.name ?? (request.state === 'submitted' ? text.holderNone : text.holderDesk);
  const next = request.nextDeadline;
  const overdue = next !== null && next.isOverdue;
  // Steps taken (escalations are the utility's own business: shown, without their internal note), then the limits still to meet.
  const taken = request.events.map((event) => ({
    key: `${event.at}-${event.step}`,
    title: text.step[event.step as keyof typeof text.step] ?? event.step,
    description: (
      <>
        <span className="sv-time">
          {formatDateTime(event.at, language)}
          {event.actorKind !== 'system' ? <span data-testid="service-step-actor"> · {text.actor[event.actorKind]}</span> : null}
        </span>
        {event.note && event.step !== 'escalate' ? <span className="sv-step-note">{event.note}</span> : null}
      </>
    ),
    status: (event.step === 'escalate' ? 'error' : 'finish') as 'error' | 'finish',
  }));
  const pending = finished
    ? []
    : request.deadlines
        .filter((deadline) => deadline.metAt === null)
        .map((deadline) => ({
          key: `due-${deadline.timeLimit}`,
          title: text.limit[deadline.timeLimit],
          description: <span className={`sv-time${deadline.isOverdue ? ' sv-overdue' : ''}`}>{fill(text.dueBy, { time: formatDateTime(deadline.dueAt, language) })}</span>,
          status: 'wait' as const,
        }));

  return (
    <div className="portal-stack">
      <section className="portal-card" data-testid="service-summary">
        <div className="sv-head">
          <h2 className="sv-title">{language.startsWith('en') ? request.category.nameEn : request.category.name}</h2>
          <ServiceStateTag state={request.state} />
        </div>
        <dl className="sv-facts">
          <dt>{text.requestNo}</dt>
          <dd data-testid="service-request-no">{request.requestNo}</dd>
          <dt>{text.createdAt}</dt>
          <dd>{formatDateTime(request.createdAt, language)}</dd>
          {request.closedAt && (
            <>
              <dt>{text.closedAt}</dt>
              <dd>{formatDateTime(request.closedAt, language)}</dd>
            </>
          )}
          <dt>{text.address}</dt>
          <dd>{request.address ?? (request.latitude !== null && request.longitude !== null ? `${request.latitude.toFixed(6)}, ${request.longitude.toFixed(6)}` : '—')}</dd>
        </dl>
        <p className="sv-description">{request.description}</p>
      </section>
      {!finished && (
        <section className="portal-card sv-now" data-testid="service-now">
          <div>
            <div className="portal-label">{text.holder}</div>
            <div className="sv-now-value" data-testid="service-holder">
              {holder}
            </div>
          </div>
          {next && (
            <div>
              <div className="portal-label">{text.deadline}</div>
              <div className={`sv-now-value${overdue ? ' sv-overdue' : ''}`} data-testid="service-deadline">
                {text.limit[next.timeLimit]} · {formatDateTime(next.dueAt, language)}
              </div>
              {overdue && <div className="sv-overdue sv-small">{text.deadlineOverdue}</div>}
            </div>
          )}
        </section>
      )}
      <ServicePhotos request={request} />
      <ServiceMaterials request={request} />
      {request.state === 'closed' && <ServiceRating requestId={request.id} />}
      <section className="portal-card">
        <h3 className="portal-section-title sv-progress-title">{text.progress}</h3>
        <Steps direction="vertical" current={taken.length - 1} data-testid="service-progress">
          {[...taken, ...pending].map((step) => (
            <Steps.Step key={step.key} title={step.title} description={step.description} status={step.status} />
          ))}
        </Steps>
      </section>
    </div>
  );
}
