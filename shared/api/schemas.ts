/**
 * The wire contract: zod schemas for every request and response body. zod/mini keeps each
 * Lambda bundle small (the classic API adds ~450 KB); zod's own JSON Schema output feeds the
 * OpenAPI 3.1 document. Names follow ISA-95 Part 2 / B2MML where one exists.
 *
 * The model types belong to the domain (model.ts in each shared/domain context) and the wire
 * follows them: each schema below is checked at compile time to parse to exactly its domain
 * type (`ModelMatchesWire`, at the end), so the two cannot drift apart.
 */
import * as z from 'zod/mini';
import { boundedDateTime, decimal, inTimeRange, measured } from './numbers.ts';
import { OPERATION_STATUSES, WORK_ORDER_STATUSES } from '../domain/work-order/status.ts';
import { ALL_ROLES, ROLES } from '../domain/roles.ts';
import { SIGNATURE_MEANINGS, SIGNED_ACTIONS } from '../domain/signatures/model.ts';
import { HOLD_KINDS } from '../domain/work-order/holds.ts';
import { WEEKDAYS } from '../domain/telemetry/shifts.ts';
import { SIX_BIG_LOSSES } from '../domain/telemetry/oee.ts';
import { ALL_EQUIPMENT_STATES } from '../domain/telemetry/states.ts';
import {
  DEFAULT_RETENTION,
  MAX_DAILY_RETENTION_DAYS,
  MAX_MINUTE_RETENTION_DAYS,
  MIN_DAILY_RETENTION_DAYS,
  MIN_MINUTE_RETENTION_DAYS,
} from '../domain/telemetry/retention.ts';
import { DATA_TYPES, EQUIPMENT_LEVELS, MATERIAL_TYPES, WORK_CENTER_TYPES } from '../domain/master-data/model.ts';
import { REASON_LISTS } from '../domain/master-data/reason-lists.ts';
import { TRACKING_MODES } from '../domain/tracking/model.ts';
import { DOCUMENT_KINDS } from '../domain/documents/model.ts';
import { AQL_VALUES } from '../domain/quality/aql.ts';
import { limitsProblem, MAX_CHARACTERISTICS, MAX_DEFECT_CODES, MAX_SAMPLE_SIZE, VIOLATION_ACTIONS } from '../domain/quality/inspection-plans.ts';
import type * as qp from '../domain/quality/inspection-plans.ts';
import type * as qi from '../domain/quality/inspections.ts';
import type * as md from '../domain/master-data/model.ts';
import type { ReasonList } from '../domain/master-data/reason-lists.ts';
import type * as live from '../domain/telemetry/live-view.ts';
import type * as wo from '../domain/work-order/model.ts';

export { DATA_TYPES, EQUIPMENT_LEVELS, MATERIAL_TYPES, WORK_CENTER_TYPES };

export const meta = <T extends z.ZodMiniType>(schema: T, id: string, description: string): T => {
  z.globalRegistry.add(schema, { id, description });
  return schema;
};

export const IdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dot, dash or underscore, starting with a letter or digit'));
export const TenantIdSchema = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 lowercase letters, digits or dashes'));
export const Text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

/** An IANA time zone, e.g. Europe/Amsterdam (one the runtime's Intl knows). */
export const TimeZoneSchema = z.string().check(
  z.maxLength(64),
  z.refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone, e.g. Europe/Amsterdam'),
);

/** Quantities of material: orders, reports, BOM lines. Up to a billion, to a millionth. */
export const Quantity = decimal({ min: 0, max: 1e9 }, 6);
export const PositiveQuantity = decimal({ min: 0, max: 1e9, exclusiveMin: true }, 6);
/** Standard and setup times: up to 10 million seconds (about 4 months), to the millisecond. */
export const Seconds = decimal({ min: 0, max: 1e7 }, 3);
/** Ideal cycle times: above 0 and at most a day, to the microsecond (fast lines make 20 parts a second). */
export const CycleTimeSeconds = decimal({ min: 0, max: 86_400, exclusiveMin: true }, 6);
/** Percentages such as the overrun tolerance, to a hundredth. */
export const Percent = decimal({ min: 0, max: 100 }, 2);
/** Measured values and their limits (torque, temperature, leak rate): up to 10^12 either way, 0 or at least 10^-30. */
export const MeasuredValue = measured(1e12, 1e-30);

/** An ISO 8601 date-time with a time zone (Z or an offset) between 2000 and 2099. */
export const Timestamp = boundedDateTime();
z.globalRegistry.add(Timestamp, { description: 'ISO 8601 date-time with a time zone, between 2000-01-01 and 2099-12-31' });
/** A calendar date, YYYY-MM-DD, that exists and lies between 2000 and 2099. */
export const DateSchema = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
  z.refine((s) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return true; // the pattern's to say
    const t = Date.parse(`${s}T00:00:00Z`);
    return inTimeRange(t) && new Date(t).toISOString().startsWith(s);
  }, 'must be a calendar date between 2000-01-01 and 2099-12-31'),
);

/** Fields the server adds to every stored record. */
export const RecordMeta = {
  version: z.int(),
  updatedAt: Timestamp,
  updatedBy: z.string(),
};

// ---------- Master data (ISA-95 Part 2) ----------

/** Issue 18: a qualification a routing operation or a unit requires, at least at a level (default 1). */
export const QualificationRequirementSchema = z.strictObject({
  qualificationId: IdSchema,
  minLevel: z.optional(z.int().check(z.gte(1), z.lte(10))),
});
const RequiredQualifications = z.optional(
  z.array(QualificationRequirementSchema).check(
    z.maxLength(20),
    z.refine((rs) => new Set(rs.map((r) => r.qualificationId)).size === rs.length, 'name each qualification once'),
  ),
);

export const EquipmentInputSchema = meta(
  z.object({
    name: Text(200),
    level: z.enum(EQUIPMENT_LEVELS),
    workCenterType: z.optional(z.enum(WORK_CENTER_TYPES)),
    parentId: z.optional(IdSchema),
    description: z.optional(z.string().check(z.maxLength(2000))),
    /** Ideal cycle time for OEE performance, seconds per unit; per material where it differs. */
    idealCycleTimeSeconds: z.optional(CycleTimeSeconds),
    idealCycleTimes: z.optional(z.record(IdSchema, CycleTimeSeconds)),
    /**
     * With a declared heartbeat: silence this long makes the unit `offline` even while its
     * connection is up (a stuck publisher). Default 3 heartbeats. Without a heartbeat, silence
     * alone never makes a unit offline: presence (connect, disconnect, Last Will) does.
     */
    offlineAfterSeconds: z.optional(z.int().check(z.gte(10), z.lte(86400))),
    /** The interval at which the device (or its gateway) sends something even when nothing changes, seconds. */
    heartbeatSeconds: z.optional(z.int().check(z.gte(1), z.lte(3600))),
    /** The gateway the unit reports through: it publishes for the unit, and the unit follows its presence. */
    gatewayId: z.optional(IdSchema),
    /** The largest value the unit's counters reach before they roll over (default 2^32 - 1). */
    counterMax: z.optional(z.int().check(z.gte(1), z.lte(Number.MAX_SAFE_INTEGER))),
    /** When the unit went into service: its OEE and downtime start then (earlier data, e.g. trials, does not count). Absent: at its first data. */
    commissionedAt: z.optional(Timestamp),
    /** Qualifications whoever works at this unit must hold (issue 18): copied onto the operations released to it. */
    requiredQualifications: RequiredQualifications,
  }),
  'EquipmentInput',
  'An equipment element of the ISA-95 hierarchy: site > area > work center (line, cell, unit) > work unit.',
);
export const EquipmentSchema = meta(
  z.object({ id: IdSchema, ...EquipmentInputSchema.shape, ...RecordMeta }),
  'Equipment',
  'A stored equipment element.',
);

/** A lot or serial number pattern: literal text and {YYYY} {YY} {MM} {DD} {MATERIAL} {SEQ:n} (shared/domain/tracking/numbering.ts). */
export const NumberPattern = z
  .string()
  .check(
    z.maxLength(64),
    z.regex(
      /^([A-Za-z0-9._-]|\{(YYYY|YY|MM|DD|MATERIAL|SEQ:[1-9]|SEQ:1[0-2])\})+$/,
      'must be letters, digits, . _ - and {YYYY} {YY} {MM} {DD} {MATERIAL} {SEQ:n}',
    ),
  );

export const MaterialInputSchema = meta(
  z.object({
    name: Text(200),
    uom: Text(20),
    materialType: z.optional(z.enum(MATERIAL_TYPES)),
    materialClass: z.optional(Text(100)),
    description: z.optional(z.string().check(z.maxLength(2000))),
    tracking: z.optional(z.enum(TRACKING_MODES)),
    lotNumberPattern: z.optional(NumberPattern),
    serialNumberPattern: z.optional(NumberPattern),
    shelfLifeDays: z.optional(z.int().check(z.positive(), z.lte(36_500))),
    gtin: z.optional(z.string().check(z.regex(/^\d{14}$/, 'must be a GTIN of 14 digits'))),
  }),
  'MaterialInput',
  'A material definition.',
);
export const MaterialSchema = meta(
  z.object({ id: IdSchema, ...MaterialInputSchema.shape, ...RecordMeta }),
  'Material',
  'A stored material definition.',
);

export const BomComponentSchema = z.object({
  materialId: IdSchema,
  quantityPer: PositiveQuantity,
  uom: z.optional(Text(20)),
  /** The routing operation that consumes this component. */
  operationSeq: z.int().check(z.positive(), z.lte(9999)),
  substitutes: z.optional(z.array(IdSchema).check(z.maxLength(20))),
  issue: z.optional(z.enum(['manual', 'backflush'])),
  tolerancePct: z.optional(Percent),
});
export const BomInputSchema = meta(
  z.object({
    materialId: IdSchema,
    baseQuantity: z._default(PositiveQuantity, 1),
    components: z.array(BomComponentSchema).check(z.minLength(1), z.maxLength(200)),
  }),
  'BomInput',
  'A bill of materials: components with quantity per unit of the produced material and the operation that consumes them.',
);
export const BomSchema = meta(z.object({ id: IdSchema, ...BomInputSchema.shape, ...RecordMeta }), 'Bom', 'A stored bill of materials.');

const MAX_ROUTING_CHARS = 200_000;
export const DataRequirementSchema = z.object({
  name: z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be an identifier')),
  label: z.optional(Text(200)),
  type: z.enum(DATA_TYPES),
  unit: z.optional(Text(20)),
  min: z.optional(MeasuredValue),
  max: z.optional(MeasuredValue),
  required: z._default(z.boolean(), true),
});
export const RoutingOperationSchema = z.object({
  seq: z.int().check(z.positive(), z.lte(9999)),
  name: Text(200),
  workCenterId: IdSchema,
  /** Standard time per unit produced, in seconds. */
  standardTimeSeconds: z._default(Seconds, 0),
  setupTimeSeconds: z._default(Seconds, 0),
  instructions: z._default(z.string().check(z.maxLength(8000)), ''),
  /** Controlled documents (issue 16) the operator works to: release copies the version of each in force then. */
  documentIds: z.optional(
    z.array(IdSchema).check(
      z.maxLength(5),
      z.refine((ids) => new Set(ids).size === ids.length, 'name each document once'),
    ),
  ),
  dataToRecord: z._default(z.array(DataRequirementSchema).check(z.maxLength(50)), []),
  /** Qualifications the operator must hold (issue 18): release copies them onto the order's operation. */
  requiredQualifications: RequiredQualifications,
});
export const RoutingInputSchema = meta(
  z.object({
    materialId: IdSchema,
    name: z.optional(Text(200)),
    operations: z.array(RoutingOperationSchema).check(
      z.minLength(1),
      z.maxLength(50),
      z.refine((ops) => new Set(ops.map((o) => o.seq)).size === ops.length, 'operation seq values must be unique'),
      // A released order stores its copy of the routing; DynamoDB items stop at 400 KB.
      z.refine(
        (ops) => JSON.stringify(ops).length <= MAX_ROUTING_CHARS,
        `the operations must stay under ${MAX_ROUTING_CHARS} characters of JSON in all`,
      ),
    ),
  }),
  'RoutingInput',
  'A routing: the ordered operations that make a material, each at a work center with a standard time, work instructions and the data an operator must record.',
);
export const RoutingSchema = meta(z.object({ id: IdSchema, ...RoutingInputSchema.shape, ...RecordMeta }), 'Routing', 'A stored routing.');

// ---------- Inspection plans (issue 15; shared/domain/quality/inspection-plans.ts) ----------

const CharacteristicId = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dot, dash or underscore'));
export const VariableCharacteristicSchema = z
  .object({
    id: CharacteristicId,
    name: Text(200),
    kind: z.literal('variable'),
    /** A unit of measure code (UN/ECE Rec. 20, GET units in docs/units-of-measure.md); stored as its code. */
    unit: Text(20),
    nominal: z.optional(MeasuredValue),
    lsl: z.optional(MeasuredValue),
    usl: z.optional(MeasuredValue),
  })
  .check(
    z.superRefine((c, ctx) => {
      const problem = limitsProblem(c);
      if (problem) ctx.issues.push({ code: 'custom', input: c, path: [problem.field], message: problem.detail });
    }),
  );
export const DefectCodeSchema = z.object({ code: Text(50), name: Text(200) });
export const AttributeCharacteristicSchema = z.object({
  id: CharacteristicId,
  name: Text(200),
  kind: z.literal('attribute'),
  defectCodes: z.array(DefectCodeSchema).check(
    z.minLength(1),
    z.maxLength(MAX_DEFECT_CODES),
    z.refine((codes) => new Set(codes.map((c) => c.code)).size === codes.length, 'defect codes must be unique'),
  ),
});
export const CharacteristicSchema = z.discriminatedUnion('kind', [VariableCharacteristicSchema, AttributeCharacteristicSchema]);
const SampleSize = z.int().check(z.positive(), z.lte(MAX_SAMPLE_SIZE));
export const SamplingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('every-n'), every: z.int().check(z.positive(), z.lte(1_000_000)), sampleSize: SampleSize }),
  z.object({ kind: z.literal('first-article'), sampleSize: SampleSize }),
  z.object({ kind: z.literal('per-lot'), sampleSize: SampleSize }),
  z.object({ kind: z.literal('aql'), aql: z.literal(AQL_VALUES) }),
]);
const Characteristics = z.array(CharacteristicSchema).check(
  z.minLength(1),
  z.maxLength(MAX_CHARACTERISTICS),
  z.refine((cs) => new Set(cs.map((c) => c.id)).size === cs.length, 'characteristic ids must be unique'),
);
const OnViolation = z.array(z.enum(VIOLATION_ACTIONS)).check(z.refine((a) => new Set(a).size === a.length, 'each action at most once'));
export const InspectionPlanInputSchema = meta(
  z.object({
    name: Text(200),
    materialId: IdSchema,
    operationSeq: z.int().check(z.positive(), z.lte(9999)),
    routingId: z.optional(IdSchema),
    active: z._default(z.boolean(), true),
    characteristics: Characteristics,
    sampling: SamplingSchema,
    onViolation: z._default(OnViolation, ['notify']),
  }),
  'InspectionPlanInput',
  'An inspection plan: at one operation of a material (and routing), the characteristics to inspect (variable with spec limits and unit, or attribute with defect codes), how many units and how often (every n-th unit, first article, per lot, or an ISO 2859-1 AQL plan, general level II), and what an SPC rule violation does.',
);
export const InspectionPlanSchema = meta(
  z.object({ id: IdSchema, ...InspectionPlanInputSchema.shape, ...RecordMeta }),
  'InspectionPlan',
  'A stored inspection plan.',
);
export const CopiedInspectionPlanSchema = meta(
  z.object({
    planId: IdSchema,
    planVersion: z.int(),
    name: z.string(),
    characteristics: z.array(CharacteristicSchema),
    sampling: SamplingSchema,
    onViolation: z.array(z.enum(VIOLATION_ACTIONS)),
  }),
  'CopiedInspectionPlan',
  "An inspection plan as a released order's operation carries it: its content at the version copied at release.",
);
export const InspectionProgressSchema = meta(
  z.object({
    planId: z.string(),
    recorded: z.int(),
    failed: z.array(z.object({ k: z.int(), attempts: z.int() })),
  }),
  'InspectionProgress',
  "What an operation keeps of one plan's inspections: 1..recorded have results; those whose latest attempt failed, with their attempts.",
);

export const PersonnelInputSchema = meta(
  z.object({
    name: Text(200),
    roles: z.array(z.enum(ROLES)).check(z.minLength(1)),
    personnelClass: z.optional(Text(100)),
    /** Deprecated (issue 18): free text, kept as it is for compatibility; what gates work is PUT /v1/personnel/{id}/qualifications. */
    qualifications: z._default(z.array(Text(100)), []),
    active: z._default(z.boolean(), true),
  }),
  'PersonnelInput',
  'A person who works in the plant, with MES roles and qualifications.',
);
export const PersonnelSchema = meta(z.object({ id: IdSchema, ...PersonnelInputSchema.shape, ...RecordMeta }), 'Personnel', 'A stored person.');

export const TelemetryRetentionSchema = meta(
  z
    .object({
      minuteDays: z.int().check(z.gte(MIN_MINUTE_RETENTION_DAYS), z.lte(MAX_MINUTE_RETENTION_DAYS)),
      dailyDays: z.int().check(z.gte(MIN_DAILY_RETENTION_DAYS), z.lte(MAX_DAILY_RETENTION_DAYS)),
    })
    .check(z.refine((r) => r.dailyDays >= r.minuteDays, { message: 'must be at least minuteDays', path: ['dailyDays'] })),
  'TelemetryRetention',
  `How many days telemetry is kept: minute items (default ${DEFAULT_RETENTION.minuteDays}) and daily rollups (default ${DEFAULT_RETENTION.dailyDays}).`,
);

// ---------- Electronic signature settings (issue 16) ----------

/** A meaning's code: a standard one (review, approval, responsibility, authorship) or the plant's own. */
export const MeaningCodeSchema = z.string().check(z.regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be 1-40 lowercase letters, digits or dashes'));
export const SignaturePolicySchema = z.object({
  action: z.string().check(z.refine((a) => (SIGNED_ACTIONS as readonly string[]).includes(a), `must be one of ${SIGNED_ACTIONS.join(', ')}`)),
  required: z
    // Empty: the action needs no signature at this plant.
    .array(z.object({ meaning: MeaningCodeSchema, roles: z.array(z.enum(ROLES)).check(z.minLength(1)) }))
    .check(z.maxLength(10)),
  distinctSigners: z.boolean(),
});
export const SignatureMeaningSchema = z.object({ code: MeaningCodeSchema, text: z.string().check(z.minLength(1), z.maxLength(80)) });

export const TenantSettingsInputSchema = meta(
  z
    .object({
      /** How far an operation's good quantity may exceed what it was given, in percent. */
      overrunTolerancePct: Percent,
      /** Telemetry retention; absent: the defaults. */
      telemetryRetention: z.optional(TelemetryRetentionSchema),
      /** Which actions need which electronic signatures (issue 16); an action left out keeps its default (docs/part-11.md). */
      signaturePolicies: z.optional(z.array(SignaturePolicySchema).check(z.maxLength(SIGNED_ACTIONS.length))),
      /** The plant's own signature meanings beside review, approval, responsibility and authorship. */
      signatureMeanings: z.optional(z.array(SignatureMeaningSchema).check(z.maxLength(20))),
      /** The plant's name, as the platform operator created it (issue 17). */
      plantName: z.optional(Text(200)),
      /** The plant's IANA time zone, as the platform operator created it (issue 17). */
      timeZone: z.optional(TimeZoneSchema),
    })
    .check(
      z.refine((s) => new Set((s.signaturePolicies ?? []).map((p) => p.action)).size === (s.signaturePolicies ?? []).length, {
        message: 'each action may have one policy only',
        path: ['signaturePolicies'],
      }),
      z.refine(
        (s) => {
          const known = new Set<string>([...SIGNATURE_MEANINGS, ...(s.signatureMeanings ?? []).map((m) => m.code)]);
          return (s.signaturePolicies ?? []).every((p) => p.required.every((r) => known.has(r.meaning)));
        },
        { message: 'a policy may ask only for a standard meaning or one in signatureMeanings', path: ['signaturePolicies'] },
      ),
    ),
  'TenantSettingsInput',
  'Per-plant settings.',
);
export const TenantSettingsSchema = meta(
  z.object({ ...TenantSettingsInputSchema.shape, ...RecordMeta }),
  'TenantSettings',
  'Stored per-plant settings.',
);

// ---------- Telemetry master data (issue 3) ----------

const HhMm = z.string().check(z.regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be HH:MM'));
export const ShiftCalendarInputSchema = meta(
  z.object({
    /** IANA time zone of the plant, e.g. Europe/Amsterdam. */
    timeZone: TimeZoneSchema,
    shifts: z
      .array(
        z.object({
          name: Text(50),
          start: HhMm,
          end: HhMm,
          /** Days the shift starts on (a night shift belongs to the day it starts). */
          days: z._default(z.array(z.enum(WEEKDAYS)), ['mon', 'tue', 'wed', 'thu', 'fri']),
          breaks: z._default(z.array(z.object({ start: HhMm, end: HhMm, name: z.optional(Text(50)) })), []),
        }),
      )
      .check(z.maxLength(20)),
    /** Planned stops outside the breaks: maintenance, trials. */
    plannedStops: z._default(
      z.array(z.object({ start: Timestamp, end: Timestamp, reason: Text(200), equipmentIds: z.optional(z.array(IdSchema)) })).check(z.maxLength(500)),
      [],
    ),
    /** Whether setup time counts as planned (not downtime). Default: it is downtime. */
    setupIsPlanned: z._default(z.boolean(), false),
  }),
  'ShiftCalendarInput',
  "The plant's shift calendar: shifts, breaks and planned stops define planned production time.",
);
export const ShiftCalendarSchema = meta(z.object({ ...ShiftCalendarInputSchema.shape, ...RecordMeta }), 'ShiftCalendar', 'A stored shift calendar.');

export const DowntimeReasonsInputSchema = meta(
  z.object({
    /** A tree as a list: each reason names its parent; leaves map to one of the Six Big Losses. */
    reasons: z
      .array(
        z.object({
          code: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)),
          name: Text(200),
          parentCode: z.optional(z.string()),
          loss: z.optional(z.enum(SIX_BIG_LOSSES)),
        }),
      )
      .check(
        z.maxLength(500),
        z.refine((rs) => new Set(rs.map((r) => r.code)).size === rs.length, 'reason codes must be unique'),
        z.refine((rs) => rs.every((r) => !r.parentCode || rs.some((p) => p.code === r.parentCode)), 'every parentCode must be a code in the list'),
      ),
  }),
  'DowntimeReasonsInput',
  "The plant's downtime reason tree.",
);
export const DowntimeReasonsSchema = meta(
  z.object({ ...DowntimeReasonsInputSchema.shape, ...RecordMeta }),
  'DowntimeReasons',
  'A stored downtime reason tree.',
);

const ReasonCodeText = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a reason code: 1-64 letters, digits, dot, dash or underscore'));
export const ReasonSchema = z.object({
  code: ReasonCodeText,
  name: Text(200),
  description: z.optional(Text(2000)),
  /** False: retired. Old records keep naming it; new ones may not. Default true. */
  active: z._default(z.boolean(), true),
});
export const ReasonListInputSchema = meta(
  z.object({
    reasons: z.array(ReasonSchema).check(
      z.minLength(1),
      z.maxLength(200),
      z.refine((rs) => new Set(rs.map((r) => r.code)).size === rs.length, 'reason codes must be unique'),
    ),
  }),
  'ReasonListInput',
  "One of the plant's reason lists (scrap, pause or hold): a reason is retired with active: false, never removed.",
);
export const ReasonListParamsSchema = z.object({ list: z.enum(REASON_LISTS) });
export const ReasonListSchema = meta(
  z.object({
    list: z.enum(REASON_LISTS),
    reasons: z.array(ReasonSchema),
    /** 0 until the plant saves its own list (PUT with If-Match "0" replaces the default). */
    version: z.int(),
    updatedAt: z.optional(Timestamp),
    updatedBy: z.optional(z.string()),
    /** True while the plant has not saved this list: these are the defaults. */
    isDefault: z.boolean(),
  }),
  'ReasonList',
  "One of the plant's reason lists, or its default while none is saved.",
);
export const ReasonListsSchema = meta(
  z.object({ scrap: ReasonListSchema, pause: ReasonListSchema, hold: ReasonListSchema, defect: ReasonListSchema, indirect: ReasonListSchema }),
  'ReasonLists',
  "The plant's scrap, pause, hold, defect and indirect activity (issue 18) reason lists.",
);

// ---------- Work orders ----------

export const CreateWorkOrderSchema = meta(
  z.object({
    /** The ERP's production order number, when it has one; generated otherwise. */
    id: z.optional(IdSchema),
    materialId: IdSchema,
    quantity: PositiveQuantity,
    routingId: IdSchema,
    bomId: z.optional(IdSchema),
    dueDate: Timestamp,
    /** 1 is most urgent. */
    priority: z._default(z.int().check(z.gte(1), z.lte(999)), 500),
    workCenterId: z.optional(IdSchema),
    externalRef: z.optional(Text(100)),
  }),
  'CreateWorkOrder',
  'A production order to make a quantity of a material along a routing.',
);

export const RecordedValueSchema = z.object({
  value: z.union([z.number(), z.string(), z.boolean()]),
  unit: z.optional(z.string()),
  outOfLimits: z.boolean(),
  recordedAt: Timestamp,
  recordedBy: z.string(),
});

export const OperationComponentSchema = meta(
  z.object({
    materialId: IdSchema,
    materialName: z.optional(z.string()),
    uom: z.string(),
    quantityPer: z.number(),
    substitutes: z.array(IdSchema),
    issue: z.enum(['manual', 'backflush']),
    tolerancePct: z.number(),
    tracking: z.enum(TRACKING_MODES),
  }),
  'OperationComponent',
  'A BOM line as the operation that consumes it carries it, copied at release: quantity per unit made (per the BOM base quantity), substitutes, manual issue or backflush, tolerance, and how the material is tracked.',
);

export const ConsumedMaterialSchema = meta(
  z.object({
    materialId: IdSchema,
    node: z.object({ kind: z.enum(['lot', 'serial']), id: z.string() }),
    quantity: z.number(),
    backflush: z.boolean(),
    at: Timestamp,
    by: z.string(),
  }),
  'ConsumedMaterial',
  'A lot (or serial) an operation consumed: its material, how much, whether a backflush took it, who and when.',
);

export const ConsumeMaterialSchema = meta(
  z
    .strictObject({
      /** The lot, scanned or picked. */
      lotId: z.optional(IdSchema),
      /** Or a serialized component, scanned or picked: one unit. */
      serialId: z.optional(IdSchema),
      /** How much of the lot; a serial is one unit (1, or left out). */
      quantity: z.optional(PositiveQuantity),
      comment: z.optional(z.string().check(z.maxLength(2000))),
    })
    .check(
      z.refine((b) => (b.lotId === undefined) !== (b.serialId === undefined), {
        message: 'name a lot (lotId) or a serial (serialId), not both',
        path: ['lotId'],
      }),
      z.refine((b) => b.serialId !== undefined || b.quantity !== undefined, { message: 'how much of the lot: give a quantity', path: ['quantity'] }),
      z.refine((b) => b.serialId === undefined || b.quantity === undefined || b.quantity === 1, {
        message: 'a serial is one unit: leave quantity out or give 1',
        path: ['quantity'],
      }),
    ),
  'ConsumeMaterial',
  "Consume a quantity of a lot, or one serialized unit, at an operation: it must be of one of the operation's BOM components (or a substitute the line names), available (not on hold, not expired, not used up), with enough left.",
);

export const MissingQualificationSchema = meta(
  z.object({
    personnelId: z.string(),
    personName: z.string(),
    qualificationId: z.string(),
    qualificationName: z.string(),
    reason: z.enum(['missing', 'expired', 'level-too-low', 'training-required']),
    requiredLevel: z.optional(z.int()),
    heldLevel: z.optional(z.int()),
    expiredAt: z.optional(z.string()),
    documentId: z.optional(z.string()),
    documentVersion: z.optional(z.int()),
  }),
  'MissingQualification',
  'Who lacks which qualification, and why: missing, expired (expiredAt), level too low (heldLevel below requiredLevel), or training on a document version required.',
);
export const OperationRequirementSchema = z.object({
  qualificationId: z.string(),
  qualificationName: z.string(),
  minLevel: z.optional(z.int()),
  source: z.string(),
  documentId: z.optional(z.string()),
  documentVersion: z.optional(z.int()),
});
export const QualificationOverrideRecordSchema = z.object({
  at: Timestamp,
  by: z.string(),
  byName: z.string(),
  reason: z.string(),
  signatureId: z.string(),
  meaning: z.string(),
  missing: z.array(MissingQualificationSchema),
});

export const OperationSchema = meta(
  z.object({
    seq: z.int(),
    name: z.string(),
    workCenterId: IdSchema,
    standardTimeSeconds: z.number(),
    setupTimeSeconds: z.number(),
    instructions: z.string(),
    documentIds: z.optional(z.array(z.string())),
    dataToRecord: z.array(DataRequirementSchema),
    status: z.enum(OPERATION_STATUSES),
    goodQty: z.number(),
    scrapQty: z.number(),
    scrapByReason: z.record(z.string(), z.number()),
    recordedData: z.record(z.string(), RecordedValueSchema),
    startedAt: z.optional(Timestamp),
    startedBy: z.optional(z.string()),
    pausedAt: z.optional(Timestamp),
    pauseReason: z.optional(z.string()),
    completedAt: z.optional(Timestamp),
    completedBy: z.optional(z.string()),
    components: z.optional(z.array(OperationComponentSchema)),
    consumed: z.optional(z.array(ConsumedMaterialSchema)),
    inspectionPlans: z.optional(z.array(CopiedInspectionPlanSchema)),
    inspectionProgress: z.optional(z.array(InspectionProgressSchema)),
    /** The controlled documents' versions in force at release (issue 16): what the operator was given, by content hash. */
    documents: z.optional(
      z.array(
        z.object({
          documentId: IdSchema,
          version: z.int(),
          title: z.string(),
          kind: z.enum(DOCUMENT_KINDS),
          contentHash: z.string(),
          effectiveFrom: Timestamp,
        }),
      ),
    ),
    /** A rework operation a nonconformance's disposition added: outside the order's flow (docs/quality.md). */
    rework: z.optional(z.object({ nonconformanceId: z.string(), afterSeq: z.int(), quantity: z.number() })),
    /** Issue 18: the qualifications whoever starts it must hold, copied at release (docs/qualifications.md). */
    qualifications: z.optional(z.array(OperationRequirementSchema)),
    /** Issue 18: a supervisor's override of missing qualifications at its start. */
    qualificationOverride: z.optional(QualificationOverrideRecordSchema),
    version: z.int(),
  }),
  'Operation',
  "One of a work order's own operations, copied from the routing at release.",
);

export const WorkOrderSchema = meta(
  z.object({
    id: IdSchema,
    materialId: IdSchema,
    /** The material's name and unit of measure (UN/ECE Rec 20), copied at create. */
    materialName: z.optional(z.string()),
    uom: z.optional(z.string()),
    /** How the material is tracked (none, lot, serial), copied at create. */
    tracking: z.optional(z.enum(TRACKING_MODES)),
    quantity: z.number(),
    routingId: IdSchema,
    bomId: z.optional(IdSchema),
    dueDate: Timestamp,
    priority: z.int(),
    workCenterId: IdSchema,
    externalRef: z.optional(z.string()),
    status: z.enum(WORK_ORDER_STATUSES),
    heldFrom: z.optional(z.enum(WORK_ORDER_STATUSES)),
    holdReason: z.optional(z.string()),
    holdKind: z.optional(z.enum(HOLD_KINDS)),
    /** The routing version copied at release. */
    routingVersion: z.optional(z.int()),
    overrunTolerancePct: z.number(),
    producedQty: z.number(),
    scrappedQty: z.number(),
    remainingQty: z.number(),
    createdAt: Timestamp,
    createdBy: z.string(),
    releasedAt: z.optional(Timestamp),
    startedAt: z.optional(Timestamp),
    completedAt: z.optional(Timestamp),
    closedAt: z.optional(Timestamp),
    cancelledAt: z.optional(Timestamp),
    /** Its batch record released by the required signatures (issue 16): the order accepts no change since. */
    recordReleasedAt: z.optional(Timestamp),
    /** The batch record's content hash at release (GET /v1/work-orders/{id}/record). */
    recordHash: z.optional(z.string()),
    /** What the order made of a lot- or serial-tracked material: its output lots (each from the good unit where it began) and how many serials. */
    output: z.optional(
      z.object({
        lots: z.array(z.object({ id: IdSchema, fromUnit: z.number() })),
        serials: z.int(),
      }),
    ),
    updatedAt: Timestamp,
    updatedBy: z.string(),
    version: z.int(),
  }),
  'WorkOrder',
  'A work order header.',
);
export const WorkOrderDetailSchema = meta(
  z.object({ ...WorkOrderSchema.shape, operations: z.array(OperationSchema) }),
  'WorkOrderDetail',
  'A work order with its operations.',
);

const Comment = z.optional(z.string().check(z.maxLength(2000)));
const Reason = z.string().check(z.minLength(1), z.maxLength(2000));
export const ReleaseWorkOrderSchema = z.object({ comment: Comment });
/**
 * A pause or hold names a code of the plant's pause or hold reason list, and may say more in a
 * comment. `reason` is the field's older name (it took text; now it takes the code): give one.
 */
const reasonCodeOf = <S extends z.ZodMiniObject>(schema: S) =>
  schema.check(
    z.refine((b: { reasonCode?: string | undefined; reason?: string | undefined }) => b.reasonCode !== undefined || b.reason !== undefined, {
      message: "choose a reason: reasonCode is required (a code of the plant's reason list)",
      path: ['reasonCode'],
    }),
    z.refine(
      (b: { reasonCode?: string | undefined; reason?: string | undefined }) =>
        b.reasonCode === undefined || b.reason === undefined || b.reason === b.reasonCode,
      { message: 'reason is the older name of reasonCode: send only reasonCode', path: ['reason'] },
    ),
  );
export const HoldWorkOrderSchema = reasonCodeOf(
  z.object({
    /** A code of the plant's hold reason list (GET /v1/reason-lists/hold). */
    reasonCode: z.optional(ReasonCodeText),
    /** Deprecated: the older name of reasonCode. */
    reason: z.optional(Reason),
    comment: Comment,
    /** production (supervisors lift it) or quality (only quality lifts it); defaults from the role. */
    kind: z.optional(z.enum(HOLD_KINDS)),
  }),
);
export const ResumeWorkOrderSchema = z.object({ comment: Comment });
export const CancelWorkOrderSchema = z.object({ reason: Reason });
export const CloseWorkOrderSchema = z.object({ comment: Comment });

/** Issue 18: a supervisor's override of a missing qualification (docs/qualifications.md). */
export const QualificationOverrideSchema = meta(
  z.strictObject({
    reason: z.string().check(z.minLength(1, 'must say why the work may go ahead without the qualification'), z.maxLength(2000)),
    signature: z.strictObject({
      userId: IdSchema,
      password: z.string().check(z.minLength(1, "must be given: an override needs the supervisor's password"), z.maxLength(256)),
    }),
  }),
  'QualificationOverride',
  'A supervisor (or admin) lets the work go ahead although a qualification is missing: a reason, and their signature (user id and password re-entered now). Audited with the command; emits `qualification.overridden`.',
);
export const StartOperationSchema = z.object({ comment: Comment, qualificationOverride: z.optional(QualificationOverrideSchema) });
export const PauseOperationSchema = reasonCodeOf(
  z.object({
    /** A code of the plant's pause reason list (GET /v1/reason-lists/pause). */
    reasonCode: z.optional(ReasonCodeText),
    /** Deprecated: the older name of reasonCode. */
    reason: z.optional(Reason),
    comment: Comment,
  }),
);
export const ResumeOperationSchema = z.object({ comment: Comment });

const DataValues = z.record(
  z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/)),
  z.union([MeasuredValue, z.string().check(z.maxLength(2000)), z.boolean()]),
);
const ReasonCode = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a reason code'));
const scrapNeedsReason = z.refine<{ scrapQty: number; scrapReasonCode?: string | undefined }>((r) => !(r.scrapQty > 0) || !!r.scrapReasonCode, {
  message: 'scrapReasonCode is required when scrapQty is above 0',
  path: ['scrapReasonCode'],
});
/** At the order's last operation, what its good units become when its material is tracked (issue 14). */
const OutputFields = {
  /** Lot-tracked: the lot the good go into (the order's current output lot, or a new one numbered by the material's pattern, when left out). */
  lotId: z.optional(IdSchema),
  /** Serialized: one serial number per good unit, each made once (numbered by the material's pattern when left out); at most 10 a report. */
  serials: z.optional(z.array(IdSchema).check(z.minLength(1), z.maxLength(10))),
};

export const ReportOperationSchema = meta(
  z
    .object({
      goodQty: z._default(Quantity, 0),
      scrapQty: z._default(Quantity, 0),
      scrapReasonCode: z.optional(ReasonCode),
      data: z.optional(DataValues),
      comment: Comment,
      ...OutputFields,
    })
    .check(
      scrapNeedsReason,
      z.refine((r) => r.goodQty > 0 || r.scrapQty > 0 || (r.data !== undefined && Object.keys(r.data).length > 0), {
        message: 'report at least one of goodQty, scrapQty or data',
        path: ['goodQty'],
      }),
    ),
  'ReportOperation',
  'A production report: good and scrap quantities (scrap with a reason code) and recorded data.',
);
export const CompleteOperationSchema = meta(
  z
    .object({
      goodQty: z._default(Quantity, 0),
      scrapQty: z._default(Quantity, 0),
      scrapReasonCode: z.optional(ReasonCode),
      data: z.optional(DataValues),
      comment: Comment,
      ...OutputFields,
      /** Completing with 0 good while the order still needs output: true to do it on purpose (else 422). */
      confirmNoOutput: z.optional(z.boolean()),
    })
    .check(scrapNeedsReason),
  'CompleteOperation',
  'Completes an operation, optionally with a last report.',
);

export const CorrectReportSchema = meta(
  z
    .object({
      /** The version of the audit record (a report or completion of this order) to correct. */
      corrects: z.int().check(z.positive()),
      goodQty: z.optional(Quantity),
      scrapQty: z.optional(Quantity),
      scrapReasonCode: z.optional(ReasonCode),
      data: z.optional(DataValues),
      reason: Reason,
    })
    .check(
      z.refine(
        (r) =>
          r.goodQty !== undefined ||
          r.scrapQty !== undefined ||
          r.scrapReasonCode !== undefined ||
          (r.data !== undefined && Object.keys(r.data).length > 0),
        {
          message: 'correct at least one of goodQty, scrapQty, scrapReasonCode or data',
          path: ['goodQty'],
        },
      ),
    ),
  'CorrectReport',
  'A correction of one report or completion: what it should have said, and why. Omitted fields keep what it says now.',
);
export const ReopenOperationSchema = meta(z.object({ reason: Reason }), 'ReopenOperation', 'Reopens a DONE operation, with a reason.');

export const AuditRecordSchema = meta(
  z.object({
    version: z.int(),
    at: Timestamp,
    by: z.string(),
    action: z.string(),
    target: z.string(),
    reason: z.optional(z.string()),
    comment: z.optional(z.string()),
    /** A correction names the record it corrects (its version); the original stays as it was. */
    corrects: z.optional(z.int()),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
  }),
  'AuditRecord',
  'One entry of the audit trail (21 CFR 11.10(e)): who did what when, with old and new values.',
);

export const DispatchEntrySchema = meta(
  z.object({
    workOrderId: IdSchema,
    workOrderStatus: z.enum(WORK_ORDER_STATUSES),
    materialId: IdSchema,
    materialName: z.optional(z.string()),
    uom: z.optional(z.string()),
    quantity: z.number(),
    priority: z.int(),
    dueDate: Timestamp,
    seq: z.int(),
    name: z.string(),
    status: z.enum(OPERATION_STATUSES),
    goodQty: z.number(),
    scrapQty: z.number(),
    startedAt: z.optional(Timestamp),
  }),
  'DispatchEntry',
  'An operation on a work center dispatch list.',
);

// ---------- Telemetry read models (issue 3) ----------

const EQUIPMENT_STATE_VALUES = ALL_EQUIPMENT_STATES;
const Ratio = z.nullable(z.number());

export const OeeSchema = meta(
  z.object({
    from: Timestamp,
    to: Timestamp,
    /** A unit's figures start here (the date set on it, else its first data); absent for several units, or a unit not commissioned yet. */
    commissionedAt: z.optional(Timestamp),
    plannedTimeSeconds: z.number(),
    runTimeSeconds: z.number(),
    downtimeSeconds: z.number(),
    downtimeByState: z.record(z.string(), z.number()),
    totalCount: z.number(),
    goodCount: z.number(),
    rejectCount: z.number(),
    /** Seconds per unit, weighted by what was made when several materials ran. */
    idealCycleTimeSeconds: z.nullable(z.number()),
    availability: Ratio,
    performance: Ratio,
    quality: Ratio,
    oee: Ratio,
    pareto: z.array(
      z.object({
        reasonCode: z.string(),
        reasonName: z.optional(z.string()),
        loss: z.optional(z.string()),
        seconds: z.number(),
        count: z.int(),
        share: z.number(),
      }),
    ),
  }),
  'Oee',
  'OEE by the standard definitions (README), with the figures it comes from and the downtime Pareto.',
);

/** What a unit is doing now: its state, since when, when last heard of, and the operation running there. */
const UnitLiveFields = {
  equipmentId: IdSchema,
  state: z.enum(EQUIPMENT_STATE_VALUES),
  since: z.nullable(Timestamp),
  reasonCode: z.optional(z.string()),
  /** The reason a person gave the stop the unit is in now (down, setup, offline), with its comment. */
  stopReason: z.optional(
    z.object({ stopStart: Timestamp, reasonCode: z.string(), reasonName: z.optional(z.string()), comment: z.optional(z.string()) }),
  ),
  lastSeen: z.nullable(Timestamp),
  current: z.nullable(
    z.object({ workOrderId: IdSchema, seq: z.int(), status: z.string(), materialId: z.string(), operator: z.optional(z.string()), since: Timestamp }),
  ),
};

export const EquipmentStatusSchema = meta(
  z.object({ ...UnitLiveFields, oeeToday: OeeSchema }),
  'EquipmentStatus',
  'The live state of a unit, since when, what it works on, and OEE so far today.',
);

/** OEE so far today, as the plant overview shows it per unit (the unit status has the whole figure set). */
export const OeeTodaySchema = meta(
  z.object({
    /** When these figures were computed. */
    asOf: Timestamp,
    availability: Ratio,
    performance: Ratio,
    quality: Ratio,
    oee: Ratio,
    goodCount: z.number(),
    rejectCount: z.number(),
  }),
  'OeeToday',
  "A unit's OEE so far today (plant-local day), kept in the plant's live view.",
);

/** A unit's live state as the live view keeps it and the live feed pushes it (no name: names come from master data). */
export const UnitLiveStateSchema = meta(
  z.object({ ...UnitLiveFields, oeeToday: z.optional(OeeTodaySchema) }),
  'UnitLiveState',
  "A unit's live state, since when, what it works on and OEE today: one entry of the plant's live view.",
);

export const UnitLiveSchema = meta(
  z.object({
    ...UnitLiveFields,
    oeeToday: z.optional(OeeTodaySchema),
    name: z.string(),
    /** The work center (line, cell) the unit belongs to, if any. */
    parentId: z.optional(IdSchema),
  }),
  'UnitLive',
  'A work unit on the plant overview: its live state, since when, what it works on, and OEE so far today.',
);
export const PlantStatusSchema = meta(
  z.object({
    asOf: Timestamp,
    /** Every work center that has work units, for grouping and filtering (the whole plant, even when filtered). */
    workCenters: z.array(z.object({ id: IdSchema, name: z.string() })),
    /** Work units in name order. */
    items: z.array(UnitLiveSchema),
  }),
  'PlantStatus',
  'Every work unit of the plant (or of one work center) with its live state, in one request.',
);
export const PlantStatusQuerySchema = z.strictObject({
  /** Only the units of this work center. */
  workCenterId: z.optional(IdSchema),
});

export const DowntimeEventSchema = meta(
  z.object({
    equipmentId: IdSchema,
    /**
     * The stop's identity, the same in every time range: when the state message that began it
     * was sent (an offline stop: when the silence began). Reasons are assigned under it
     * (PUT /v1/equipment/{id}/downtime/{stopStart}/reason); a stop that a data gap interrupts
     * shows as two stretches with one stopStart.
     */
    stopStart: Timestamp,
    /** This stretch's start, as far as the data reaches (before the range asked for, or after stopStart when a data gap came between). */
    start: Timestamp,
    end: z.nullable(Timestamp),
    state: z.enum(EQUIPMENT_STATE_VALUES),
    seconds: z.number(),
    /** From the machine, if it sent one. */
    machineReasonCode: z.optional(z.string()),
    /** Assigned by a person from the reason tree; overrides the machine's. */
    reasonCode: z.optional(z.string()),
    reasonName: z.optional(z.string()),
    loss: z.optional(z.string()),
    /** The comment given with the reason. */
    comment: z.optional(z.string()),
    assignedBy: z.optional(z.string()),
    assignedAt: z.optional(Timestamp),
    /** The maintenance request raised from this stop (issue 18, docs/maintenance.md), and its status now. */
    maintenanceRequest: z.optional(z.object({ id: z.string(), status: z.string() })),
  }),
  'DowntimeEvent',
  'A stop: opened and closed by state messages (or by silence: offline), with its reason.',
);
/** A process value while an operation ran: how many samples, their range, mean and last, and how many were out of limits. */
export const ProcessValuesSchema = z.object({
  count: z.int(),
  min: z.nullable(z.number()),
  max: z.nullable(z.number()),
  mean: z.nullable(z.number()),
  last: z.nullable(z.number()),
  outOfLimits: z.int(),
});

export const MachineDataSchema = meta(
  z.object({
    workOrderId: IdSchema,
    operations: z.array(
      z.object({
        seq: z.int(),
        workCenterId: IdSchema,
        /** What the machines counted while the operation ran at its work center. */
        machineGoodQty: z.number(),
        machineRejectQty: z.number(),
        /** What operators reported, for comparison. */
        reportedGoodQty: z.number(),
        reportedScrapQty: z.number(),
        process: z.record(z.string(), ProcessValuesSchema),
      }),
    ),
  }),
  'MachineData',
  "A work order's machine counts and process values per operation: the basis of the batch record.",
);

export const AssignDowntimeReasonSchema = z.object({
  reasonCode: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)),
  comment: z.optional(z.string().check(z.maxLength(2000))),
});

export const StateChangeSchema = meta(
  z.object({ equipmentId: IdSchema, ts: Timestamp, state: z.enum(EQUIPMENT_STATE_VALUES), reasonCode: z.optional(z.string()) }),
  'StateChange',
  'One state message, in the change feed.',
);

export const RangeQuerySchema = z.strictObject({
  from: z.optional(Timestamp),
  to: z.optional(Timestamp),
  /** Instead of from/to: a shift of the calendar on a plant-local date. */
  shift: z.optional(Text(50)),
  date: z.optional(DateSchema),
});
const FEED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** A time as any other (bounded), or a feed cursor: the time of a change as the feed sorts it, `#`, and which change. */
const isSince = (s: string) => {
  const at = s.indexOf('#');
  if (at < 0) return Timestamp.safeParse(s).success;
  const time = s.slice(0, at);
  return FEED_TIME.test(time) && inTimeRange(Date.parse(time)) && at < s.length - 1;
};
export const StateChangesQuerySchema = z.strictObject({
  /** An ISO time, or the `next` of the previous page: changes that arrived after it. */
  since: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(400),
      z.refine(isSince, 'must be a time with a time zone between 2000-01-01 and 2099-12-31, or the next of the previous page'),
    ),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(500)), 200),
});
export const DowntimeParamsSchema = z.object({ id: IdSchema, start: Timestamp });

// ---------- Shared shapes ----------

export const page = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item), nextCursor: z.optional(z.string()) });

export const PageQuerySchema = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});
export const ListWorkOrdersQuerySchema = z.strictObject({
  ...PageQuerySchema.shape,
  status: z.optional(z.enum(WORK_ORDER_STATUSES)),
  workCenterId: z.optional(IdSchema),
});

export const IdParamsSchema = z.object({ id: IdSchema });
export const OperationParamsSchema = z.object({ id: IdSchema, seq: z.coerce.number().check(z.int(), z.positive(), z.lte(9999)) });

export const ProblemSchema = meta(
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.optional(z.string()),
    instance: z.optional(z.string()),
    errors: z.optional(z.array(z.object({ pointer: z.string(), detail: z.string() }))),
    /** On a 500 only: the API Gateway request id (also the apigw-requestid header), for the operator's logs. */
    correlationId: z.optional(z.string()),
    /** On a 409 about a record's state (a stale version, a refused transition): who changed it last, when, and what it is now. */
    changedBy: z.optional(z.string()),
    changedAt: z.optional(z.string()),
    currentStatus: z.optional(z.string()),
    currentVersion: z.optional(z.int()),
    lastChange: z.optional(z.string()),
    /** On a 409 `inspections-outstanding` (issue 15): the inspections of the operation that are due and unrecorded, or failed. */
    inspections: z.optional(z.array(z.object({ id: z.string(), planId: z.string(), k: z.int(), status: z.string() }))),
    /** On a 429 `rate-limited` (issue 17): whole seconds until the plant may send again (the `Retry-After` header), and its limits. */
    retryAfterSeconds: z.optional(z.int()),
    limits: z.optional(z.object({ requestsPerSecond: z.number(), burst: z.number() })),
    /** On a 409 `qualification-missing` (issue 18): who lacks which qualification, and why. */
    missing: z.optional(z.array(MissingQualificationSchema)),
  }),
  'Problem',
  'RFC 9457 problem details.',
);

export const HealthSchema = z.object({ status: z.literal('ok'), version: z.string(), time: Timestamp });

export const LocalTokenRequestSchema = z.object({
  tenantId: TenantIdSchema,
  userId: IdSchema,
  name: z.optional(Text(200)),
  // Any role a token may carry (plant, platform, organization roles): the local sign-in of every kind of user (issue 17).
  roles: z.array(z.enum(ALL_ROLES)).check(z.minLength(1)),
});
/** Local only: a user's password in the local identity provider (issue 16, signatures). */
export const LocalPasswordRequestSchema = z.object({
  tenantId: TenantIdSchema,
  userId: IdSchema,
  password: z.string().check(z.minLength(1), z.maxLength(256)),
});

/**
 * True only when A and B are the same type (not merely assignable either way: an optional field
 * missing on one side, or one type wider than the other, fails). Types only: nothing of it
 * reaches a bundle.
 */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Fails to compile, at the schema's line, when the schema does not parse to exactly the domain type. */
type Matches<S extends z.ZodMiniType, Model extends Same<z.output<S>, Model> extends true ? unknown : never> = [S, Model];

// The domain's model, as the wire parses it.
export type {
  Bom,
  BomInput,
  DataRequirement,
  DowntimeReasons,
  Equipment,
  Reason,
  ReasonListInput,
  EquipmentInput,
  Material,
  MaterialInput,
  Personnel,
  Routing,
  RoutingInput,
  RoutingOperation,
  TenantSettings,
} from '../domain/master-data/model.ts';
export type { ShiftCalendarRecord as ShiftCalendar } from '../domain/master-data/model.ts';
export type { ReasonList, ReasonListName } from '../domain/master-data/reason-lists.ts';
export type {
  AuditRecord,
  CompleteOperation,
  CorrectReport,
  CreateWorkOrder,
  DispatchEntry,
  Operation,
  RecordedValue,
  ReportOperation,
  WorkOrder,
  WorkOrderDetail,
} from '../domain/work-order/model.ts';

/** Each wire schema against the domain type it carries. */
export type ModelMatchesWire = [
  Matches<typeof UnitLiveStateSchema, live.UnitLiveState>,
  Matches<typeof EquipmentInputSchema, md.EquipmentInput>,
  Matches<typeof EquipmentSchema, md.Equipment>,
  Matches<typeof MaterialInputSchema, md.MaterialInput>,
  Matches<typeof MaterialSchema, md.Material>,
  Matches<typeof BomInputSchema, md.BomInput>,
  Matches<typeof BomSchema, md.Bom>,
  Matches<typeof DataRequirementSchema, md.DataRequirement>,
  Matches<typeof RoutingOperationSchema, md.RoutingOperation>,
  Matches<typeof RoutingInputSchema, md.RoutingInput>,
  Matches<typeof RoutingSchema, md.Routing>,
  Matches<typeof PersonnelInputSchema, md.PersonnelInput>,
  Matches<typeof PersonnelSchema, md.Personnel>,
  Matches<typeof TenantSettingsInputSchema, md.TenantSettingsInput>,
  Matches<typeof TenantSettingsSchema, md.TenantSettings>,
  Matches<typeof ShiftCalendarInputSchema, md.ShiftCalendarInput>,
  Matches<typeof ShiftCalendarSchema, md.ShiftCalendarRecord>,
  Matches<typeof DowntimeReasonsInputSchema, md.DowntimeReasonsInput>,
  Matches<typeof DowntimeReasonsSchema, md.DowntimeReasons>,
  Matches<typeof ReasonListInputSchema, md.ReasonListInput>,
  Matches<typeof ReasonListSchema, ReasonList>,
  Matches<typeof CreateWorkOrderSchema, wo.CreateWorkOrder>,
  Matches<typeof RecordedValueSchema, wo.RecordedValue>,
  Matches<typeof OperationSchema, wo.Operation>,
  Matches<typeof WorkOrderSchema, wo.WorkOrder>,
  Matches<typeof WorkOrderDetailSchema, wo.WorkOrderDetail>,
  Matches<typeof AuditRecordSchema, wo.AuditRecord>,
  Matches<typeof DispatchEntrySchema, wo.DispatchEntry>,
  Matches<typeof ReportOperationSchema, wo.ReportOperation>,
  Matches<typeof CompleteOperationSchema, wo.CompleteOperation>,
  Matches<typeof CorrectReportSchema, wo.CorrectReport>,
  Matches<typeof ReopenOperationSchema, wo.ReopenOperation>,
  Matches<typeof CharacteristicSchema, qp.Characteristic>,
  Matches<typeof SamplingSchema, qp.Sampling>,
  Matches<typeof InspectionPlanInputSchema, qp.InspectionPlanInput>,
  Matches<typeof InspectionPlanSchema, qp.InspectionPlan>,
  Matches<typeof CopiedInspectionPlanSchema, qp.CopiedInspectionPlan>,
  Matches<typeof InspectionProgressSchema, qi.InspectionProgress>,
];

// Read models the telemetry read side builds (no domain counterpart: they are views).
export type Oee = z.infer<typeof OeeSchema>;
export type EquipmentStatus = z.infer<typeof EquipmentStatusSchema>;
export type UnitLive = z.infer<typeof UnitLiveSchema>;
export type UnitLiveState = z.infer<typeof UnitLiveStateSchema>;
export type PlantStatus = z.infer<typeof PlantStatusSchema>;
export type DowntimeEvent = z.infer<typeof DowntimeEventSchema>;
