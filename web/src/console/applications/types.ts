/**
 * Shapes of the applications API (网上办) as the console reads them; they mirror the server's zod schemas in
 * server/src/modules/applications/schemas.ts (the OpenAPI document is the authority).
 */
import type { ApplicationFileType, ApplicationStatus, ApplicationTypeBase, Bilingual, ProcessStageBase, SegregationRule } from '../../api/types';

export type { ApplicationStatus, Bilingual, SegregationRule };

export type ApplicationAction = 'claim' | 'advance' | 'return' | 'reject' | 'resubmit';
export type DocumentContentType = ApplicationFileType;
export type OutputKind = 'text' | 'date' | 'fen' | 'litres' | 'integer' | 'choice' | 'lines' | 'attachments' | 'uuid';
export type Department = 'customer_service' | 'connection' | 'design' | 'engineering' | 'quality' | 'meter' | 'reading' | 'finance';

export interface OutputSpec {
  key: string;
  kind: OutputKind;
  zh: string;
  en: string;
  required: boolean;
  options?: { value: string; zh: string; en: string }[];
  min?: number;
  max?: number;
}

export interface ApplicationStage extends ProcessStageBase {
  outputs: OutputSpec[];
  /** False: the utility left this stage out; applications pass over it. */
  isEnabled?: boolean;
}

export interface ApplicationMaterial {
  code: string;
  name: string;
  nameEn: string;
  isRequired: boolean;
  /** The kinds of file accepted for it. */
  acceptedKinds?: DocumentContentType[];
}

export interface ApplicationType extends ApplicationTypeBase<ApplicationStage, ApplicationMaterial> {
  id: string;
}

export interface CurrentStage {
  code: string;
  name: string;
  nameEn: string;
  roleName: Bilingual;
  dueAt: string | null;
  isOverdue: boolean;
  holder: { staffId: string; name: string } | null;
}

export interface ApplicationSummary {
  id: string;
  applicationNo: string;
  type: { code: string; name: string; nameEn: string };
  channel: 'portal' | 'counter';
  status: ApplicationStatus;
  applicantName: string;
  applicantPhoneMasked: string;
  address: string;
  currentStage: CurrentStage | null;
  submittedAt: string;
  dueAt: string;
  finishedAt: string | null;
  version: number;
}

export interface StageProgress extends ApplicationStage {
  state: 'done' | 'current' | 'pending';
  startedAt: string | null;
  dueAt: string | null;
  doneAt: string | null;
  /** As recorded ("name (login)"): read doneByName. */
  doneBy: string | null;
  /** The display name of the staff member who did it, as it stood then. */
  doneByName: string | null;
  isOverdue: boolean;
}

export interface ApplicationDocument {
  id: string;
  purpose: string;
  material: string | null;
  stage: string | null;
  contentType: DocumentContentType;
  bytes: number;
  fileName: string | null;
  uploadedBy: string;
  uploadedAt: string;
}

/** Who did a step: a staff member (also at the counter for the applicant), the applicant on the portal, or the system. */
export type ApplicationActorKind = 'staff' | 'applicant' | 'system';

export interface ApplicationEvent {
  kind: string;
  stageCode: string | null;
  /** As recorded ("name (login)", "portal:139****5678"): read actorKind and actorName. */
  actor: string;
  actorKind: ApplicationActorKind;
  /** A staff member's display name as it stood then, the applicant's masked phone, or the system's name. */
  actorName: string;
  at: string;
  note: string | null;
  outputs: Record<string, unknown> | null;
}

export interface ApplicationDetail extends ApplicationSummary {
  customerId: string | null;
  account: { id: string; accountNo: string } | null;
  meter: { id: string; serialNo: string } | null;
  district: string | null;
  street: string | null;
  details: Record<string, unknown>;
  reason: string | null;
  stages: StageProgress[];
  materials: (ApplicationMaterial & { documents: number })[];
  missing: { materials: ApplicationMaterial[]; outputs: OutputSpec[]; description: Bilingual[] };
  documents: ApplicationDocument[];
  events: ApplicationEvent[];
  nextActions: ApplicationAction[];
}

export interface StageStats {
  typeCode: string;
  typeName: string;
  typeNameEn: string;
  stageCode: string;
  stageName: string;
  stageNameEn: string;
  open: number;
  overdue: number;
  done: number;
  averageDaysHundredths: number | null;
}

export interface TypeStats {
  typeCode: string;
  typeName: string;
  typeNameEn: string;
  inProgress: number;
  returned: number;
  overdue: number;
  completed: number;
  rejected: number;
  completedLate: number;
  averageDaysHundredths: number | null;
}

export interface RouteChoice {
  id: string;
  code: string;
  name: string;
}

export interface ListFilter {
  typeCode?: string;
  stageCode?: string;
  status?: ApplicationStatus;
  overdue?: 'true';
  workable?: 'true';
  heldByMe?: 'true';
  q?: string;
  limit?: number;
}

export interface CounterApplication {
  typeCode: string;
  customerId?: string;
  accountId?: string;
  applicantName?: string;
  applicantPhone?: string;
  district?: string;
  street?: string;
  address?: string;
  details?: { category?: 'residential' | 'non_residential' | 'special'; householdSize?: number; newHolderName?: string; note?: string };
}
