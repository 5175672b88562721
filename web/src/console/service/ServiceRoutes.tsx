import { Route, Routes } from 'react-router';
import type { Permission } from '../../api/types';
import { RequirePermission } from '../components/RequirePermission';
import { NotFoundPage } from '../pages/NotFoundPage';
import { BoardPage } from './BoardPage';
import { CallsPage } from './CallsPage';
import { CrewPage } from './CrewPage';
import { DutyPage } from './DutyPage';
import { FollowUpsPage } from './FollowUpsPage';
import { KnowledgePage } from './KnowledgePage';
import { ServiceDetailPage } from './ServiceDetailPage';
import { ServiceListPage } from './ServiceListPage';
import { ServiceNewPage } from './ServiceNewPage';
import { ServiceSettingsPage } from './ServiceSettingsPage';
import './service.css';

const guarded = (permission: Permission, element: React.ReactNode) => <RequirePermission permission={permission}>{element}</RequirePermission>;

/** The pages under /console/service. */
export function ServiceRoutes() {
  return (
    <Routes>
      <Route index element={guarded('service.read', <ServiceListPage />)} />
      <Route path="new" element={guarded('service.create', <ServiceNewPage />)} />
      <Route path="mine" element={guarded('service.field', <CrewPage />)} />
      <Route path="calls" element={guarded('service.read', <CallsPage />)} />
      <Route path="followups" element={guarded('service.read', <FollowUpsPage />)} />
      <Route path="knowledge" element={guarded('knowledge.manage', <KnowledgePage />)} />
      <Route path="duty" element={guarded('service.read', <DutyPage />)} />
      <Route path="board" element={guarded('service.read', <BoardPage />)} />
      <Route path="settings" element={guarded('settings.manage', <ServiceSettingsPage />)} />
      <Route path=":id" element={guarded('service.read', <ServiceDetailPage />)} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
