import { useEffect, useMemo } from 'react';
import type { Permission } from '../api/types';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router';
import { BillingRunsPage } from './billing/BillingRunsPage';
import { ZeroUsePage } from './bills/ZeroUsePage';
import { ArrearsPage } from './collection/ArrearsPage';
import { ServiceQualityPage } from './dashboards/ServiceQualityPage';
import { OrdersPage } from './collection/OrdersPage';
import { AppLayout } from './components/AppLayout';
import { PageLoading } from './components/PageLoading';
import { QueryError } from './components/QueryError';
import { RequirePermission } from './components/RequirePermission';
import { AuditPage } from './pages/AuditPage';
import { Customer360Page } from './pages/Customer360Page';
import { ReconciliationsPage } from './finance/ReconciliationsPage';
import { WithholdingPage } from './finance/WithholdingPage';
import { CustomerSearchPage } from './pages/CustomerSearchPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OutboxPage } from './pages/OutboxPage';
import { CounterPage } from './payments/CounterPage';
import { TillsPage } from './payments/TillsPage';
import { ReadingRoutes } from './reading/ReadingRoutes';
import { isCrewOnly } from './service/menu';
import { ServiceRoutes } from './service/ServiceRoutes';
import { AppointmentRoutes } from './appointments/AppointmentRoutes';
import { ApplicationRoutes } from './applications/ApplicationRoutes';
import { SessionContext, sessionValue } from './session/session';
import { SettingsPage } from './settings/SettingsPage';
import { IntegrationsPage } from './settings/IntegrationsPage';
import { ProcessSettingsPage } from './processSettings/ProcessSettingsPage';
import { TariffCategoryPage } from './tariffs/TariffCategoryPage';
import { TariffsPage } from './tariffs/TariffsPage';
import { useSessionQuery } from './session/useSessionQueries';

/** A meter reader (who enters readings but does not review them) starts on their routes, not the customer search. */
const isReaderOnly = (value: { can: (permission: Permission) => boolean }) => value.can('reading.write') && !value.can('reading.review');

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
          <Route
            index
            element={
              isReaderOnly(value) ? <Navigate to="/reading/my-routes" replace /> : isCrewOnly(value.can) ? <Navigate to="/service/mine" replace /> : <CustomerSearchPage />
            }
          />
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
          <Route
            path="billing"
            element={
              <RequirePermission permission="bill.read">
                <BillingRunsPage />
              </RequirePermission>
            }
          />
          <Route
            path="counter"
            element={
              <RequirePermission permission="payment.take">
                <CounterPage />
              </RequirePermission>
            }
          />
          <Route
            path="counter/tills"
            element={
              <RequirePermission permission="payment.read">
                <TillsPage />
              </RequirePermission>
            }
          />
          <Route
            path="finance/reconciliations"
            element={
              <RequirePermission permission="payment.read">
                <ReconciliationsPage />
              </RequirePermission>
            }
          />
          <Route
            path="finance/withholding"
            element={
              <RequirePermission permission="withholding.manage">
                <WithholdingPage />
              </RequirePermission>
            }
          />
          <Route
            path="dashboards/service-quality"
            element={
              <RequirePermission permission="report.read">
                <ServiceQualityPage />
              </RequirePermission>
            }
          />
          <Route
            path="reports/zero-use"
            element={
              <RequirePermission permission="report.read">
                <ZeroUsePage />
              </RequirePermission>
            }
          />
          <Route
            path="tariffs"
            element={
              <RequirePermission permission="tariff.read">
                <TariffsPage />
              </RequirePermission>
            }
          />
          <Route
            path="tariffs/:id"
            element={
              <RequirePermission permission="tariff.read">
                <TariffCategoryPage />
              </RequirePermission>
            }
          />
          <Route
            path="settings"
            element={
              <RequirePermission permission="settings.manage">
                <SettingsPage />
              </RequirePermission>
            }
          />
          <Route
            path="settings/processes"
            element={
              <RequirePermission permission="settings.manage">
                <ProcessSettingsPage />
              </RequirePermission>
            }
          />
          <Route
            path="settings/integrations"
            element={
              <RequirePermission permission="settings.manage">
                <IntegrationsPage />
              </RequirePermission>
            }
          />
          <Route
            path="collection/arrears"
            element={
              <RequirePermission permission="collection.work">
                <ArrearsPage />
              </RequirePermission>
            }
          />
          <Route
            path="collection/orders"
            element={
              <RequirePermission permission="collection.work">
                <OrdersPage />
              </RequirePermission>
            }
          />
          <Route path="collection" element={<Navigate to="/collection/arrears" replace />} />
          <Route path="reading/*" element={<ReadingRoutes />} />
          <Route path="service/*" element={<ServiceRoutes />} />
          <Route path="appointments/*" element={<AppointmentRoutes />} />
          <Route path="applications/*" element={<ApplicationRoutes />} />
          <Route path="login" element={<Navigate to="/" replace />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </AppLayout>
    </SessionContext.Provider>
  );
}
