/** Loading, empty and error states used by every page. */
import { Button, DotLoading, ErrorBlock, Skeleton } from 'antd-mobile';
import type { ReactElement, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';

export function PageLoading({ inline = false }: { inline?: boolean }): ReactElement {
  const { t } = useTranslation();
  return (
    <div className={inline ? 'portal-block portal-center-text' : 'portal-center'} role="status" aria-live="polite">
      <span className="portal-loading-text">
        {t('app.loading')}
        <DotLoading color="primary" />
      </span>
    </div>
  );
}

/** Placeholder cards while a list loads. */
export function CardSkeleton({ count = 2 }: { count?: number }): ReactElement {
  return (
    <div className="portal-stack" aria-hidden="true">
      {Array.from({ length: count }, (_, index) => (
        <div className="portal-card" key={index}>
          <Skeleton.Title animated />
          <Skeleton.Paragraph lineCount={3} animated />
        </div>
      ))}
    </div>
  );
}

export function errorText(error: unknown, language: string): string | null {
  return error instanceof ApiError ? error.messageIn(language) : null;
}

export function ErrorState({
  error,
  onRetry,
  fullPage = false,
}: {
  error: unknown;
  onRetry?: () => void;
  fullPage?: boolean;
}): ReactElement {
  const { t, i18n } = useTranslation();
  return (
    <div className={fullPage ? 'portal-center' : 'portal-block'}>
      <ErrorBlock
        status="default"
        title={t('app.errorTitle')}
        description={errorText(error, i18n.language) ?? t('app.errorDescription')}
      >
        {onRetry && (
          <Button color="primary" fill="outline" className="portal-touch" onClick={onRetry}>
            {t('app.retry')}
          </Button>
        )}
      </ErrorBlock>
    </div>
  );
}

export function EmptyState({
  title,
  description,
  children,
}: {
  title: string;
  description?: string;
  children?: ReactNode;
}): ReactElement {
  return (
    <div className="portal-block">
      <ErrorBlock status="empty" title={title} description={description}>
        {children}
      </ErrorBlock>
    </div>
  );
}
