/**
 * The wire contract of SPC (issue 15, docs/spc.md "Charts and storage"): the control chart of a
 * characteristic and its frozen baselines. Each output schema is checked at compile time to
 * parse to exactly its domain type (shared/domain/quality/spc-model.ts).
 */
import * as z from 'zod/mini';
import { NELSON_RULES } from '../domain/quality/spc-rules.ts';
import { type Baseline, CHARACTERISTIC_SOURCES, MAX_WINDOW_DAYS, SPC_CHARTS, type SpcChartView } from '../domain/quality/spc-model.ts';
import { MAX_SUBGROUP_SIZE, MIN_SUBGROUP_SIZE } from '../domain/quality/spc-constants.ts';
import { meta, MeasuredValue, Text, Timestamp } from './schemas.ts';

/**
 * `insp:{planId}:{charId}`, `data:{routingId}:{seq}:{name}` or `proc:{unitId}:{name}`,
 * percent-encoded in the path. Checked in full by the domain (parseCharacteristicId).
 */
export const CharacteristicIdSchema = z
  .string()
  .check(
    z.regex(
      /^(insp|data|proc)(:|%3A|%3a)[A-Za-z0-9._:%-]{1,250}$/,
      'must be insp:{planId}:{charId}, data:{routingId}:{seq}:{name} or proc:{unitId}:{name}',
    ),
  );

export const CharacteristicParamsSchema = z.object({ id: CharacteristicIdSchema });

/** A query's chart: the library's names, and `imr` for `i-mr`. */
export const ChartQuerySchema = z.enum([...SPC_CHARTS, 'imr']);
const SubgroupSize = z.coerce.number().check(z.int(), z.gte(MIN_SUBGROUP_SIZE), z.lte(MAX_SUBGROUP_SIZE));

export const SpcChartQuerySchema = z.strictObject({
  /** Start of the window (default: `to` minus 30 days). The window is at most MAX_WINDOW_DAYS (92) days. */
  from: z.optional(Timestamp),
  /** End of the window (default: now). */
  to: z.optional(Timestamp),
  /** Default by the data: subgrouped values -> xbar-r, single values -> i-mr; the baseline's chart when one is frozen. */
  chart: z.optional(ChartQuerySchema),
  /** Subgroup size for X-bar charts over single values (consecutive values grouped). */
  subgroupSize: z.optional(SubgroupSize),
});

export const FreezeBaselineSchema = z.strictObject({
  from: Timestamp,
  to: Timestamp,
  chart: ChartQuerySchema,
  subgroupSize: z.optional(z.int().check(z.gte(MIN_SUBGROUP_SIZE), z.lte(MAX_SUBGROUP_SIZE))),
  reason: Text(500),
  /** Spec limits, for a characteristic that has none of its own (a process value). */
  lsl: z.optional(MeasuredValue),
  usl: z.optional(MeasuredValue),
});

const LimitsSchema = z.object({ centre: z.number(), ucl: z.number(), lcl: z.number() });

const ViolationSchema = z.object({
  rule: z.literal(NELSON_RULES),
  words: z.string(),
  westernElectric: z.boolean(),
});

const NotEnoughDataSchema = z.object({ have: z.int(), need: z.int(), message: z.string() });

export const BaselineSchema = meta(
  z.object({
    characteristicId: z.string(),
    version: z.int(),
    chart: z.enum(SPC_CHARTS),
    subgroupSize: z.nullable(z.int()),
    centre: z.number(),
    rBar: z.optional(z.number()),
    sBar: z.optional(z.number()),
    mrBar: z.optional(z.number()),
    pBar: z.optional(z.number()),
    sigmaWithin: z.nullable(z.number()),
    limits: LimitsSchema,
    spreadLimits: z.nullable(LimitsSchema),
    lsl: z.optional(z.number()),
    usl: z.optional(z.number()),
    from: z.string(),
    to: z.string(),
    /** Subgroups (points) it was computed from. */
    points: z.int(),
    reason: z.string(),
    frozenAt: z.string(),
    frozenBy: z.string(),
  }),
  'SpcBaseline',
  'A frozen baseline: the centre line and control limits the quality role fixed from a window of data; versioned, the latest in force',
);

export const SpcChartSchema = meta(
  z.object({
    characteristicId: z.string(),
    source: z.enum(CHARACTERISTIC_SOURCES),
    from: z.string(),
    to: z.string(),
    chart: z.enum(SPC_CHARTS),
    subgroupSize: z.nullable(z.int()),
    valueCount: z.int(),
    limitsFrom: z.nullable(z.enum(['baseline', 'data'])),
    baselineVersion: z.optional(z.int()),
    limits: z.nullable(LimitsSchema),
    spreadLimits: z.nullable(LimitsSchema),
    sigmaWithin: z.nullable(z.number()),
    spec: z.object({
      lsl: z.optional(z.number()),
      usl: z.optional(z.number()),
      nominal: z.optional(z.number()),
      unit: z.optional(z.string()),
      source: z.enum(['inspection-plan', 'routing', 'baseline', 'none']),
    }),
    points: z.array(
      z.object({
        at: z.string(),
        subgroupId: z.optional(z.string()),
        n: z.int(),
        value: z.number(),
        spread: z.optional(z.number()),
        violations: z.array(ViolationSchema),
        spreadViolations: z.array(ViolationSchema),
        ucl: z.optional(z.number()),
        lcl: z.optional(z.number()),
      }),
    ),
    notEnoughData: z.optional(NotEnoughDataSchema),
    capability: z.nullable(
      z.object({
        count: z.int(),
        mean: z.number(),
        sigmaWithin: z.number(),
        sigmaOverall: z.number(),
        cp: z.nullable(z.number()),
        cpk: z.nullable(z.number()),
        pp: z.nullable(z.number()),
        ppk: z.nullable(z.number()),
      }),
    ),
    capabilityNotEnoughData: z.optional(NotEnoughDataSchema),
    notes: z.array(z.string()),
  }),
  'SpcChart',
  `Control chart of a characteristic over a window (at most ${MAX_WINDOW_DAYS} days): every point with the Nelson rules it breaks, centre line and limits with their source, spec limits and capability`,
);

export type SpcChartQuery = z.infer<typeof SpcChartQuerySchema>;
export type FreezeBaseline = z.infer<typeof FreezeBaselineSchema>;

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Matches<S extends z.ZodMiniType, Model extends Same<z.output<S>, Model> extends true ? unknown : never> = [S, Model];
/** Each wire schema against the domain type it carries. */
export type SpcModelMatchesWire = [Matches<typeof SpcChartSchema, SpcChartView>, Matches<typeof BaselineSchema, Baseline>];
