/**
 * Master data as the MES knows it (ISA-95 Part 2 / B2MML names): the domain owns these types;
 * shared/api/schemas.ts validates the wire against them and a compile-time check keeps the two
 * equal. `XxxInput` is what a put takes (defaults applied); `Xxx` is the stored record.
 */
import type { TelemetryRetention } from '../telemetry/retention.ts';
import type { PlantRole } from '../roles.ts';
import type { SignatureMeaningDef, SignaturePolicy } from '../signatures/model.ts';
import type { SixBigLoss } from '../telemetry/oee.ts';
import type { Weekday } from '../telemetry/shifts.ts';

export const EQUIPMENT_LEVELS = ['enterprise', 'site', 'area', 'workCenter', 'workUnit'] as const;
export type EquipmentLevel = (typeof EQUIPMENT_LEVELS)[number];
export const WORK_CENTER_TYPES = ['productionLine', 'productionUnit', 'processCell', 'storageZone', 'workCell'] as const;
export type WorkCenterType = (typeof WORK_CENTER_TYPES)[number];
export const MATERIAL_TYPES = ['raw', 'intermediate', 'finished', 'packaging', 'consumable'] as const;
export type MaterialType = (typeof MATERIAL_TYPES)[number];
export const DATA_TYPES = ['number', 'text', 'boolean'] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** Fields the server adds to every stored record. */
import type { TrackingMode } from '../tracking/model.ts';
import type { InspectionPlanInput } from '../quality/inspection-plans.ts';
import type { QualificationInput, QualificationRequirement } from '../qualifications/model.ts';

export interface RecordMeta {
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export interface EquipmentInput {
  name: string;
  level: EquipmentLevel;
  workCenterType?: WorkCenterType | undefined;
  parentId?: string | undefined;
  description?: string | undefined;
  /** Ideal cycle time for OEE performance, seconds per unit; per material where it differs. */
  idealCycleTimeSeconds?: number | undefined;
  idealCycleTimes?: Record<string, number> | undefined;
  /** With a declared heartbeat: silence this long is `offline` even while connected (default 3 heartbeats). */
  offlineAfterSeconds?: number | undefined;
  /** The device's declared heartbeat, seconds; without one, silence alone never makes the unit offline. */
  heartbeatSeconds?: number | undefined;
  /** The gateway the unit reports through (it publishes for the unit; the unit follows its presence). */
  gatewayId?: string | undefined;
  /** The largest value the unit's counters reach before they roll over (default 2^32 - 1). */
  counterMax?: number | undefined;
  /** When the unit went into service (ISO); its OEE and downtime start then. Absent: at its first data. */
  commissionedAt?: string | undefined;
  /** Qualifications whoever works at this unit must hold (issue 18): copied onto operations at release. */
  requiredQualifications?: QualificationRequirement[] | undefined;
}
export interface Equipment extends EquipmentInput, RecordMeta {
  id: string;
}

export interface MaterialInput {
  name: string;
  uom: string;
  materialType?: MaterialType | undefined;
  materialClass?: string | undefined;
  description?: string | undefined;
  /** Tracked by lot or by serial number (issue 14); `none` (the default) when absent. */
  tracking?: TrackingMode | undefined;
  /**
   * How the MES numbers the lots and serials it makes of this material when none is given:
   * literal text with `{YYYY}`, `{YY}`, `{MM}`, `{DD}` (the plant's date), `{MATERIAL}` and
   * `{SEQ:n}` (a counter per material, n digits). Defaults in shared/domain/tracking/numbering.ts.
   */
  lotNumberPattern?: string | undefined;
  serialNumberPattern?: string | undefined;
  /** Days from receipt or production to expiry, when the material expires. */
  shelfLifeDays?: number | undefined;
  /** The GS1 GTIN (14 digits) printed as AI (01) on labels. */
  gtin?: string | undefined;
}
export interface Material extends MaterialInput, RecordMeta {
  id: string;
}

export interface BomComponent {
  materialId: string;
  quantityPer: number;
  uom?: string | undefined;
  /** The routing operation that consumes this component. */
  operationSeq: number;
  /** Materials that may be consumed instead (issue 14). */
  substitutes?: string[] | undefined;
  /** `manual` (an operator scans or picks the lot) or `backflush` (from the lot staged at the work center, at report and complete). Default manual. */
  issue?: 'manual' | 'backflush' | undefined;
  /** How far the consumed quantity may differ from quantity per unit times (good + scrap), in percent. Default 0. */
  tolerancePct?: number | undefined;
}
export interface BomInput {
  materialId: string;
  baseQuantity: number;
  components: BomComponent[];
}
export interface Bom extends BomInput, RecordMeta {
  id: string;
}

export interface DataRequirement {
  name: string;
  label?: string | undefined;
  type: DataType;
  unit?: string | undefined;
  min?: number | undefined;
  max?: number | undefined;
  required: boolean;
}
export interface RoutingOperation {
  seq: number;
  name: string;
  workCenterId: string;
  /** Standard time per unit produced, in seconds. */
  standardTimeSeconds: number;
  setupTimeSeconds: number;
  instructions: string;
  /** Controlled documents (issue 16) the operator works to; release copies the version in force then. */
  documentIds?: string[] | undefined;
  dataToRecord: DataRequirement[];
  /** Qualifications the operator must hold (issue 18): release copies them onto the order's operation. */
  requiredQualifications?: QualificationRequirement[] | undefined;
}
export interface RoutingInput {
  materialId: string;
  name?: string | undefined;
  operations: RoutingOperation[];
}
export interface Routing extends RoutingInput, RecordMeta {
  id: string;
}

export interface PersonnelInput {
  name: string;
  roles: PlantRole[];
  personnelClass?: string | undefined;
  /** Deprecated (issue 18): free text, kept as it is; what gates work is PUT /v1/personnel/{id}/qualifications. */
  qualifications: string[];
  active: boolean;
}
export interface Personnel extends PersonnelInput, RecordMeta {
  id: string;
}

export interface TenantSettingsInput {
  /** How far an operation's good quantity may exceed what it was given, in percent. */
  overrunTolerancePct: number;
  /** How long telemetry is kept (domain/telemetry/retention.ts); absent: the defaults. */
  telemetryRetention?: TelemetryRetention | undefined;
  /** Which actions need which electronic signatures (issue 16); an action left out keeps its default (signatures/policy.ts). */
  signaturePolicies?: SignaturePolicy[] | undefined;
  /** The plant's own signature meanings, beside the standard four. */
  signatureMeanings?: SignatureMeaningDef[] | undefined;
  /** The plant's name and IANA time zone, as the platform operator created it (issue 17). */
  plantName?: string | undefined;
  timeZone?: string | undefined;
}
export interface TenantSettings extends TenantSettingsInput, RecordMeta {}

/** The plant's shift calendar as entered (times as text); domain/telemetry/shifts.ts computes with it. */
export interface ShiftCalendarInput {
  /** IANA time zone of the plant. */
  timeZone: string;
  shifts: {
    name: string;
    start: string;
    end: string;
    days: Weekday[];
    breaks: { start: string; end: string; name?: string | undefined }[];
  }[];
  plannedStops: { start: string; end: string; reason: string; equipmentIds?: string[] | undefined }[];
  /** Whether setup time counts as planned (not downtime). */
  setupIsPlanned: boolean;
}
export interface ShiftCalendarRecord extends ShiftCalendarInput, RecordMeta {}

export interface DowntimeReasonInput {
  code: string;
  name: string;
  parentCode?: string | undefined;
  loss?: SixBigLoss | undefined;
}
export interface DowntimeReasonsInput {
  /** A tree as a list: each reason names its parent; leaves map to one of the Six Big Losses. */
  reasons: DowntimeReasonInput[];
}
export interface DowntimeReasons extends DowntimeReasonsInput, RecordMeta {}

/** One reason of a plant's scrap, pause or hold list (reason-lists.ts). Retired, never removed. */
export interface Reason {
  code: string;
  name: string;
  description?: string | undefined;
  /** False: retired. Old records keep naming it; new ones may not. */
  active: boolean;
}
export interface ReasonListInput {
  reasons: Reason[];
}
export interface ReasonListRecord extends ReasonListInput, RecordMeta {}

/** Each kind's input to a put; its stored record is that plus the record meta and an id. */
export interface MasterDataInputs {
  equipment: EquipmentInput;
  material: MaterialInput;
  bom: BomInput;
  routing: RoutingInput;
  personnel: PersonnelInput;
  settings: TenantSettingsInput;
  'shift-calendar': ShiftCalendarInput;
  'downtime-reasons': DowntimeReasonsInput;
  /** One record per list: id `scrap`, `pause` or `hold`. */
  'reason-list': ReasonListInput;
  /** Inspection plans (issue 15, shared/domain/quality/inspection-plans.ts): put by quality, not planners. */
  'inspection-plan': InspectionPlanInput;
  /** Qualification definitions (issue 18): put by supervisors and admins. */
  qualification: QualificationInput;
}
export type MasterDataKind = keyof MasterDataInputs;

/**
 * A record of one kind as stored (Equipment for 'equipment', and so on): singletons too carry
 * the id the key design gives them (their kind), which the API leaves out.
 */
export type StoredRecord<K extends MasterDataKind = MasterDataKind> = MasterDataInputs[K] & RecordMeta & { id: string };
