/** The portal's providers and routes. */
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider, setDefaultConfig } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { useEffect, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Outlet, Route, Routes, useLocation } from 'react-router';
import { ApiError } from '../api/client';
import { queryKeys } from './api';
import { ErrorState, PageLoading } from './components/states';
import { TabLayout } from './components/TabLayout';
import { AccountDetailPage } from './pages/AccountDetailPage';
import { ApplicationDetailPage } from './pages/ApplicationDetailPage';
import { ApplicationListPage } from './pages/ApplicationListPage';
import { ApplyChoosePage, ApplyPage } from './pages/ApplyPage';
import { AppointmentBookPage } from './pages/AppointmentBookPage';
import { AppointmentListPage } from './pages/AppointmentListPage';
import { BillsDetailPage } from './pages/BillsDetailPage';
import { BillsPage } from './pages/BillsPage';
import { BindPage } from './pages/BindPage';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { MePage } from './pages/MePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PaymentsPage } from './pages/PaymentsPage';
import { PayPage } from './pages/PayPage';
import { PayResultPage } from './pages/PayResultPage';
import { ProcessesPage } from './pages/ProcessesPage';
import { ReceiptPage } from './pages/ReceiptPage';
import { SelfReadingPage } from './pages/SelfReadingPage';
import { ServiceDetailPage } from './pages/ServiceDetailPage';
import { ServiceListPage } from './pages/ServiceListPage';
import { ServiceNewPage } from './pages/ServiceNewPage';
import { ServiceRatePage } from './pages/ServiceRatePage';
import { UsagePage } from './pages/UsagePage';
import { endSession, useSession } from './session';

function createQueryClient(): QueryClient {
  // A 401 while a session is believed to exist means it ended (idle timeout, logout elsewhere): forget
  // it, and the route guard sends the customer to the login page.
  const onError = (error: unknown) => {
    if (error instanceof ApiError && error.status === 401 && client.getQueryData(queryKeys.session)) {
      endSession(client);
    }
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        retry: (failureCount, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failureCount < 2,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
  return client;
}

/** Shows its child routes only to a logged-in customer. */
function RequireSession(): ReactElement {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <PageLoading />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} fullPage />;
  if (!session.data) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <Outlet />;
}

export function App(): ReactElement {
  const [queryClient] = useState(createQueryClient);
  const { i18n, t } = useTranslation();
  const locale = i18n.language.startsWith('en') ? enUS : zhCN;

  useEffect(() => {
    // Toast, Dialog and ActionSheet shown imperatively live outside the ConfigProvider below.
    setDefaultConfig({ locale });
    document.title = t('app.documentTitle');
  }, [locale, t]);

  return (
    <ConfigProvider locale={locale}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter basename="/portal">
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            {/* The SMS rating link: no login (短信评价). */}
            <Route path="/rate/:tenant/:token" element={<ServiceRatePage />} />
            {/* 公开业务办理流程: no login. */}
            <Route path="/processes" element={<ProcessesPage />} />
            <Route element={<RequireSession />}>
              <Route element={<TabLayout />}>
                <Route index element={<HomePage />} />
                <Route path="/me" element={<MePage />} />
              </Route>
              <Route path="/bind" element={<BindPage />} />
              <Route path="/accounts/:id" element={<AccountDetailPage />} />
              <Route path="/accounts/:id/bills" element={<BillsPage />} />
              <Route path="/accounts/:id/usage" element={<UsagePage />} />
              <Route path="/accounts/:id/reading" element={<SelfReadingPage />} />
              <Route path="/bills/:id" element={<BillsDetailPage />} />
              <Route path="/accounts/:id/pay" element={<PayPage />} />
              <Route path="/accounts/:id/payments" element={<PaymentsPage />} />
              <Route path="/pay/result/:orderId" element={<PayResultPage />} />
              <Route path="/payments/:id" element={<ReceiptPage />} />
              <Route path="/service" element={<ServiceListPage />} />
              <Route path="/service/new" element={<ServiceNewPage />} />
              <Route path="/service/:id" element={<ServiceDetailPage />} />
              <Route path="/appointments" element={<AppointmentListPage />} />
              <Route path="/appointments/new" element={<AppointmentBookPage />} />
              <Route path="/appointments/:id/move" element={<AppointmentBookPage />} />
              <Route path="/applications" element={<ApplicationListPage />} />
              <Route path="/applications/new" element={<ApplyChoosePage />} />
              <Route path="/applications/new/:type" element={<ApplyPage />} />
              <Route path="/applications/:id" element={<ApplicationDetailPage />} />
            </Route>
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </BrowserRouter>
      </QueryClientProvider>
    </ConfigProvider>
  );
}
