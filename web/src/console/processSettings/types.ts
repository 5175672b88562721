/** The process settings API's types (server: applications/process-settings-schemas.ts). */
import type { ApplicationFileType, Bilingual, ProcessStageBase } from '../../api/types';

export type FileKind = ApplicationFileType;
export type RuleKind = 'different_people' | 'different_departments';

export interface ProcessStage extends ProcessStageBase {
  isSkippable: boolean;
  isEnabled: boolean;
  openApplications: number;
}

export interface ProcessMaterial {
  code: string;
  name: string;
  nameEn: string;
  isRequired: boolean;
  acceptedKinds: FileKind[];
}

export interface ProcessRule {
  kind: RuleKind;
  stageCodes: string[];
  description: Bilingual;
}

export interface ProcessType {
  code: string;
  name: string;
  nameEn: string;
  isActive: boolean;
  totalDays: number;
  stages: ProcessStage[];
  materials: ProcessMaterial[];
  rules: ProcessRule[];
}

export interface ProcessSettingsVersion {
  version: number;
  changedAt: string;
  changedBy: string;
  typeCode: string | null;
  changes: Bilingual[];
}

export interface ProcessSettings {
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
  firstReadingDays: number;
  types: ProcessType[];
  roles: { role: string; name: Bilingual }[];
  fileKinds: FileKind[];
  limits: { minStageDays: number; maxStageDays: number; minFirstReadingDays: number; maxFirstReadingDays: number; maxMaterials: number };
  history: ProcessSettingsVersion[];
}

export interface TypeProcessPatch {
  version: number;
  stages?: { code: string; role?: string; timeLimitDays?: number; isEnabled?: boolean }[];
  materials?: Omit<ProcessMaterial, never>[];
  rules?: { kind: RuleKind; stageCodes: string[] }[];
}
