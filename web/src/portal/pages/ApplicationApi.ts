/**
 * The portal's calls for online business applications (网上办 · 掌上办) and the public process page, the
 * shapes they answer (mirroring the server's ApplicationDetail / PublicProcesses schemas, as far as the
 * portal reads them), and the React Query keys they are cached under.
 */
import { api } from '../../api/client';
import type { ApplicationFileType, ApplicationStatus, ApplicationTypeBase, Bilingual, FileUpload, ProcessStageBase } from '../../api/types';

export type { ApplicationStatus, Bilingual };

export type DocumentType = ApplicationFileType;
export type AccountClass = 'residential' | 'non_residential' | 'special';

export type ProcessStage = ProcessStageBase;

export interface ProcessMaterial {
  code: string;
  name: string;
  nameEn: string;
  isRequired: boolean;
}

export type ProcessType = ApplicationTypeBase<ProcessStage, ProcessMaterial>;

export interface PublicProcesses {
  utility: { code: string; name: string; hotline: string | null };
  processes: ProcessType[];
}

export interface ApplicationSummary {
  id: string;
  applicationNo: string;
  type: { code: string; name: string; nameEn: string };
  channel: 'portal' | 'counter';
  status: ApplicationStatus;
  applicantName: string;
  address: string;
  currentStage: { code: string; name: string; nameEn: string; roleName: Bilingual; dueAt: string | null; isOverdue: boolean } | null;
  submittedAt: string;
  dueAt: string;
  finishedAt: string | null;
  version: number;
}

export interface StageProgress extends ProcessStage {
  state: 'done' | 'current' | 'pending';
  startedAt: string | null;
  dueAt: string | null;
  doneAt: string | null;
  isOverdue: boolean;
}

export interface ApplicationDocument {
  id: string;
  material: string | null;
  stage: string | null;
  contentType: DocumentType;
  bytes: number;
  fileName: string | null;
  uploadedAt: string;
}

export interface ApplicationEvent {
  kind: string;
  stageCode: string | null;
  at: string;
  note: string | null;
}

export interface ApplicationDetail extends ApplicationSummary {
  account: { id: string; accountNo: string } | null;
  reason: string | null;
  stages: StageProgress[];
  materials: (ProcessMaterial & { documents: number })[];
  missing: { materials: ProcessMaterial[]; description: Bilingual[] };
  documents: ApplicationDocument[];
  events: ApplicationEvent[];
  nextActions: ('claim' | 'advance' | 'return' | 'reject' | 'resubmit')[];
}

export interface NewApplication {
  typeCode: string;
  applicantName: string;
  accountId?: string;
  district?: string;
  street?: string;
  address?: string;
  details?: { category?: AccountClass; householdSize?: number; newHolderName?: string; note?: string };
}

export const applicationKeys = {
  processes: (tenant: string) => ['public', 'processes', tenant] as const,
  mine: ['portal', 'applications', 'mine'] as const,
  one: (id: string) => ['portal', 'applications', 'one', id] as const,
};

/** How often an open application's progress is fetched again while its page is shown. */
export const PROGRESS_REFRESH_MS = 15_000;

export const fetchProcesses = (tenant: string) => api.get<PublicProcesses>('/api/public/processes', { tenant });
export async function fetchMyApplications(): Promise<ApplicationSummary[]> {
  const { applications } = await api.get<{ applications: ApplicationSummary[] }>('/api/portal/applications');
  return applications;
}
export const fetchApplication = (id: string) => api.get<ApplicationDetail>(`/api/portal/applications/${encodeURIComponent(id)}`);
export const submitApplication = (body: NewApplication) => api.post<ApplicationDetail>('/api/portal/applications', body);
export const resubmitApplication = (id: string, version: number, note?: string) =>
  api.post<ApplicationDetail>(`/api/portal/applications/${encodeURIComponent(id)}/resubmit`, { version, ...(note ? { note } : {}) });
export const uploadDocument = (id: string, material: string, file: FileUpload, onProgress: (sent: number) => void) =>
  api.postWithProgress<{ document: ApplicationDocument }>(`/api/portal/applications/${encodeURIComponent(id)}/documents`, { material, file }, onProgress);
export const documentUrl = (applicationId: string, documentId: string) =>
  `/api/portal/applications/${encodeURIComponent(applicationId)}/documents/${encodeURIComponent(documentId)}`;
