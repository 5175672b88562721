import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router';
import { AppLayout } from './components/AppLayout';
import { PageLoading } from './components/PageLoading';
import { QueryError } from './components/QueryError';
import { RequirePermission } from './components/RequirePermission';
import { AuditPage } from './pages/AuditPage';
import { Customer360Page } from './pages/Customer360Page';
import { CustomerSearchPage } from './pages/CustomerSearchPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OutboxPage } from './pages/OutboxPage';
import { SessionContext, sessionValue } from './session/session';
import { useSessionQuery } from './session/useSessionQueries';

/** Restores the session on load; shows the login page until there is one, then the console. */
export function ConsoleRoot() {
  const { t } = useTranslation();
  const sessionQuery = useSessionQuery();
  useEffect(() => {
    document.title = `${t('app.title')} · ${t('app.logo')}`;
  }, [t]);
  const session = sessionQuery.data;
  const value = useMemo(() => (session ? sessionValue(session) : null), [session]);

  if (sessionQuery.isPending) return <PageLoading fullScreen />;
  if (sessionQuery.isError) {
    return (
      <div style={{ paddingTop: 80 }}>
        <QueryError error={sessionQuery.error} onRetry={() => void sessionQuery.refetch()} />
      </div>
    );
  }
  if (!value) return <LoginPage />;

  return (
    <SessionContext.Provider value={value}>
      <AppLayout>
        <Routes>
          <Route index element={<CustomerSearchPage />} />
          <Route path="customers" element={<Navigate to="/" replace />} />
          <Route path="customers/:id" element={<Customer360Page />} />
          <Route
            path="audit"
            element={
              <RequirePermission permission="audit.read">
                <AuditPage />
              </RequirePermission>
            }
          />
          <Route
            path="outbox"
            element={
              <RequirePermission permission="outbox.read">
                <OutboxPage />
              </RequirePermission>
            }
          />
          <Route path="login" element={<Navigate to="/" replace />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </AppLayout>
    </SessionContext.Provider>
  );
}
