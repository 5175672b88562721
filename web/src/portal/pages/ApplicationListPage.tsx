/** 我的申请: the customer's applications, newest deadlines first, each with its status and where it stands now. */
import { useQuery } from '@tanstack/react-query';
import { Button, PullToRefresh } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { Page } from '../components/Page';
import { CardSkeleton, EmptyState, ErrorState } from '../components/states';
import { applicationKeys, fetchMyApplications, PROGRESS_REFRESH_MS } from './ApplicationApi';
import { ApplicationStatusTag, useApplicationText } from './ApplicationParts';
import { fill } from './PayMessages';
import { formatDateTime } from './PayParts';

export function ApplicationListPage(): ReactElement {
  const { text, named, bilingual, language } = useApplicationText();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const list = useQuery({ queryKey: applicationKeys.mine, queryFn: fetchMyApplications, refetchInterval: PROGRESS_REFRESH_MS * 2 });
  const apply = (
    <Button size="small" color="primary" fill="outline" className="portal-touch-small" onClick={() => void navigate('/applications/new')} data-testid="application-new">
      {text.newButton}
    </Button>
  );
  let body: ReactElement;
  if (list.isPending) body = <CardSkeleton />;
  else if (list.isError) body = <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  else if (list.data.length === 0)
    body = (
      <EmptyState title={text.listEmpty} description={text.listEmptyDescription}>
        <Button color="primary" size="large" className="portal-empty-action" onClick={() => void navigate('/applications/new')}>
          {text.newButton}
        </Button>
      </EmptyState>
    );
  else
    body = (
      <div className="portal-stack">
        {list.data.map((application) => (
          <Link key={application.id} to={`/applications/${encodeURIComponent(application.id)}`} className="portal-card portal-card-link apl-card" data-testid="application-card" data-no={application.applicationNo}>
            <div className="apl-card-head">
              <span className="apl-card-type">{named(application.type)}</span>
              <ApplicationStatusTag status={application.status} />
            </div>
            <div className="apl-card-no">
              {text.applicationNo} <span className="apl-mono">{application.applicationNo}</span>
            </div>
            {application.currentStage && application.status === 'in_progress' && (
              <div className={`apl-card-stage${application.currentStage.isOverdue ? ' apl-overdue' : ''}`}>
                {named(application.currentStage)} · {fill(text.waitingFor, { role: bilingual(application.currentStage.roleName) })}
                {application.currentStage.dueAt ? ` · ${fill(text.dueAtShort, { at: formatDateTime(application.currentStage.dueAt, language) })}` : ''}
              </div>
            )}
            <div className="apl-card-meta">
              {text.submittedAt} {formatDateTime(application.submittedAt, language)}
            </div>
          </Link>
        ))}
      </div>
    );
  return (
    <Page title={text.listTitle} back right={apply} testId="application-list-page">
      <PullToRefresh
        onRefresh={async () => {
          await list.refetch();
        }}
        pullingText={t('home.pulling')}
        canReleaseText={t('home.canRelease')}
        refreshingText={t('home.refreshing')}
        completeText={t('home.refreshed')}
      >
        <div className="portal-content">{body}</div>
      </PullToRefresh>
    </Page>
  );
}
