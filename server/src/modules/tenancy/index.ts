export { registerTenancyRoutes } from './routes';
export {
  createServiceHall,
  createStaff,
  createTenant,
  findTenantByCode,
  findTenantById,
  hashPassword,
  listServiceHalls,
  listStaff,
  listTenants,
  requireTenantByCode,
  type Tenant,
} from './service';
export { tenantSummarySchema, type NewStaff, type ServiceHall, type StaffMember, type TenantSummary } from './schemas';
export {
  DEFAULT_SETTINGS,
  getTenantSettings,
  loadTenantSettings,
  tenantSettingsSchema,
  updateTenantSettings,
  type ReadingSettings,
  type ServiceDeskSettings,
  type TenantSettings,
} from './settings';
