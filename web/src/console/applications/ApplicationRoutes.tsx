import { Route, Routes } from 'react-router';
import { RequirePermission } from '../components/RequirePermission';
import { ApplicationDetailPage } from './ApplicationDetailPage';
import { ApplicationStatisticsPage } from './ApplicationStatisticsPage';
import { ApplicationsQueuePage } from './ApplicationsQueuePage';
import { CounterApplicationPage } from './CounterApplicationPage';

/** The console's application pages under /applications: the work queue, counter intake, figures, one application. */
export function ApplicationRoutes() {
  return (
    <Routes>
      <Route
        index
        element={
          <RequirePermission permission="application.read">
            <ApplicationsQueuePage />
          </RequirePermission>
        }
      />
      <Route
        path="new"
        element={
          <RequirePermission permission="application.create">
            <CounterApplicationPage />
          </RequirePermission>
        }
      />
      <Route
        path="statistics"
        element={
          <RequirePermission permission="application.read">
            <ApplicationStatisticsPage />
          </RequirePermission>
        }
      />
      <Route
        path=":id"
        element={
          <RequirePermission permission="application.read">
            <ApplicationDetailPage />
          </RequirePermission>
        }
      />
    </Routes>
  );
}
