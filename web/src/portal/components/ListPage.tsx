/**
 * A list screen of the customer's own things (工单, 预约, 申请): a back arrow, pull to refresh, and a fixed
 * footer button that starts a new one.
 */
import { Button, PullToRefresh } from 'antd-mobile';
import type { ReactElement, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Page } from './Page';

export function ListPage({
  title,
  testId,
  newLabel,
  newTestId,
  onNew,
  onRefresh,
  children,
}: {
  title: ReactNode;
  testId: string;
  newLabel: ReactNode;
  newTestId: string;
  onNew: () => void;
  onRefresh: () => Promise<unknown>;
  children: ReactNode;
}): ReactElement {
  const { t } = useTranslation();
  return (
    <Page
      title={title}
      back
      testId={testId}
      footer={
        <Button block color="primary" size="large" onClick={onNew} data-testid={newTestId}>
          {newLabel}
        </Button>
      }
    >
      <PullToRefresh
        onRefresh={async () => {
          await onRefresh();
        }}
        pullingText={t('home.pulling')}
        canReleaseText={t('home.canRelease')}
        refreshingText={t('home.refreshing')}
        completeText={t('home.refreshed')}
      >
        <div className="portal-content">{children}</div>
      </PullToRefresh>
    </Page>
  );
}
