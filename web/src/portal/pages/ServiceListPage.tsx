/** 我的工单: what the customer reported (and what was recorded for their accounts), newest first. */
import { useQuery } from '@tanstack/react-query';
import { Button, List } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useNavigate } from 'react-router';
import { ListPage } from '../components/ListPage';
import { CardSkeleton, EmptyState, ErrorState } from '../components/states';
import { formatDateTime } from './PayParts';
import { fetchServiceRequests, serviceQueryKeys } from './ServiceApi';
import { ServiceStateTag, useServiceText } from './ServiceParts';
import './Service.css';

export function ServiceListPage(): ReactElement {
  const { text, language } = useServiceText();
  const navigate = useNavigate();
  const requests = useQuery({ queryKey: serviceQueryKeys.list, queryFn: fetchServiceRequests });
  const goNew = () => void navigate('/service/new');

  let body: ReactElement;
  if (requests.isPending) body = <CardSkeleton />;
  else if (requests.isError) body = <ErrorState error={requests.error} onRetry={() => void requests.refetch()} />;
  else if (requests.data.length === 0)
    body = (
      <EmptyState title={text.listEmpty} description={text.listEmptyDescription}>
        <Button color="primary" size="large" className="portal-empty-action" onClick={goNew}>
          {text.newButton}
        </Button>
      </EmptyState>
    );
  else
    body = (
      <List mode="card" className="portal-list sv-list" data-testid="service-list">
        {requests.data.map((request) => (
          <List.Item
            key={request.id}
            onClick={() => void navigate(`/service/${encodeURIComponent(request.id)}`)}
            description={
              <>
                <div className="sv-line">{request.address ?? request.description}</div>
                <div className="sv-line">
                  {request.requestNo} · {formatDateTime(request.createdAt, language)}
                </div>
              </>
            }
            data-testid="service-item"
          >
            <span className="sv-item-head">
              <span>{language.startsWith('en') ? request.category.nameEn : request.category.name}</span>
              <ServiceStateTag state={request.state} />
            </span>
          </List.Item>
        ))}
      </List>
    );

  return (
    <ListPage title={text.listTitle} testId="service-list-page" newLabel={text.newButton} newTestId="service-new" onNew={goNew} onRefresh={() => requests.refetch()}>
      {body}
    </ListPage>
  );
}
