import { Navigate, Route, Routes } from 'react-router';
import type { Permission } from '../../api/types';
import { RequirePermission } from '../components/RequirePermission';
import { NotFoundPage } from '../pages/NotFoundPage';
import { EntryPage } from './EntryPage';
import { ImportPage } from './ImportPage';
import { MyRoutesPage } from './MyRoutesPage';
import { ReviewPage } from './ReviewPage';
import { RouteDetailPage } from './RouteDetailPage';
import { RoutesPage } from './RoutesPage';
import './reading.css';

const guarded = (permission: Permission, element: React.ReactNode) => <RequirePermission permission={permission}>{element}</RequirePermission>;

/** The pages under /console/reading. */
export function ReadingRoutes() {
  return (
    <Routes>
      <Route index element={<Navigate to="routes" replace />} />
      <Route path="my-routes" element={guarded('reading.write', <MyRoutesPage />)} />
      <Route path="routes" element={guarded('route.read', <RoutesPage />)} />
      <Route path="routes/:id" element={guarded('route.read', <RouteDetailPage />)} />
      <Route path="routes/:id/entry" element={guarded('reading.write', <EntryPage />)} />
      <Route path="review" element={guarded('reading.review', <ReviewPage />)} />
      <Route path="import" element={guarded('reading.import', <ImportPage />)} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
