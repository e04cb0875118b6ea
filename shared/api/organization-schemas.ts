/**
 * The wire contract of multi-site organizations (issue 17; docs/organizations.md): an
 * organization groups plants; its users read across them (status and OEE rolled up by plant,
 * line and shift, a trace that crosses plants) and its admins publish master data templates to
 * them. Plant data stays in each plant's tenant: these reads read it there, never copy it.
 */
import * as z from 'zod/mini';
import { TRACE_DIRECTIONS } from '../domain/tracking/genealogy.ts';
import { TraceEdgeSchema, TraceNodeSchema } from './genealogy-schemas.ts';
import {
  DateSchema,
  IdSchema,
  InspectionPlanInputSchema,
  MaterialInputSchema,
  meta,
  ReasonListInputSchema,
  RoutingInputSchema,
  TenantIdSchema,
  Text,
  Timestamp,
} from './schemas.ts';
import { REASON_LISTS } from '../domain/master-data/reason-lists.ts';

/** An organization's id: its tenant is `org-{id}`, which must be a tenant id (at most 63 characters). */
export const OrgIdSchema = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,58}$/, 'must be 1-59 lowercase letters, digits or dashes'));
export const OrgParamsSchema = z.object({ id: OrgIdSchema });

// ---------- The organization record (platform operators) ----------

export const OrganizationInputSchema = meta(
  z.strictObject({
    name: Text(200),
    /** Member plants by tenant id; each must be a plant of the platform's registry. */
    plants: z.array(TenantIdSchema).check(
      z.minLength(1),
      z.maxLength(100),
      z.refine((ids) => new Set(ids).size === ids.length, 'names a plant twice'),
    ),
  }),
  'OrganizationInput',
  'An organization: its name and member plants (tenant ids of plants in the registry).',
);

export const OrgPlantSchema = z.object({ tenantId: z.string(), name: z.string() });

export const OrganizationSchema = meta(
  z.object({
    id: z.string(),
    name: z.string(),
    /** Member plants with their names from the plant registry, in the order given. */
    plants: z.array(OrgPlantSchema),
    version: z.int(),
    updatedAt: Timestamp,
    updatedBy: z.string(),
  }),
  'Organization',
  'An organization and its member plants.',
);

// ---------- Status and OEE rolled up (organization users) ----------

/** Like a plant's OEE query: from/to, or a shift on a plant-local date (each plant's own calendar); default today so far in each plant. */
export const OrgStatusQuerySchema = z.strictObject({
  from: z.optional(Timestamp),
  to: z.optional(Timestamp),
  shift: z.optional(Text(50)),
  date: z.optional(DateSchema),
});

/** OEE figures that add up: a line's as its own OEE route answers them, a plant's and the organization's summed from its lines. */
export const OeeRollupSchema = z.object({
  plannedTimeSeconds: z.number(),
  runTimeSeconds: z.number(),
  totalCount: z.number(),
  goodCount: z.number(),
  rejectCount: z.number(),
  /** Ideal cycle time times count: what performance divides by run time. */
  idealTimeSeconds: z.number(),
  availability: z.nullable(z.number()),
  performance: z.nullable(z.number()),
  quality: z.nullable(z.number()),
  oee: z.nullable(z.number()),
});

/** How many work units are in each live state (running, down, idle, setup, offline, ...). */
export const StateCountsSchema = z.record(z.string(), z.int());

export const OrgLineStatusSchema = z.object({
  id: z.string(),
  name: z.string(),
  units: z.int(),
  states: StateCountsSchema,
  oee: OeeRollupSchema,
});

export const OrgPlantStatusSchema = z.object({
  tenantId: z.string(),
  name: z.string(),
  /** The range this plant's figures cover (its own time zone or shift calendar). */
  from: z.optional(Timestamp),
  to: z.optional(Timestamp),
  units: z.int(),
  states: StateCountsSchema,
  oee: z.nullable(OeeRollupSchema),
  lines: z.array(OrgLineStatusSchema),
  /** Why this plant has no figures for the range asked (e.g. no such shift in its calendar). */
  problem: z.optional(z.string()),
});

export const OrganizationStatusSchema = meta(
  z.object({
    asOf: Timestamp,
    units: z.int(),
    states: StateCountsSchema,
    oee: OeeRollupSchema,
    plants: z.array(OrgPlantStatusSchema),
  }),
  'OrganizationStatus',
  "Live state counts and OEE of every member plant and line, read from each plant's own live view and OEE, and summed.",
);

// ---------- The trace across plants ----------

export const OrgTraceParamsSchema = z.object({ plant: TenantIdSchema, id: IdSchema });
export const OrgTraceQuerySchema = z.strictObject({ direction: z.enum(TRACE_DIRECTIONS) });

const PlantRef = { plant: z.string() };
export const OrgTraceSchema = meta(
  z.object({
    root: z.object({ plant: z.string(), kind: z.enum(['lot', 'serial']), id: z.string() }),
    direction: z.enum(TRACE_DIRECTIONS),
    /** Each plant's own trace nodes, named by plant. */
    nodes: z.array(z.object({ ...TraceNodeSchema.shape, ...PlantRef })),
    /** Each plant's own edges, and `shipment` edges between plants. */
    edges: z.array(
      z.object({
        ...TraceEdgeSchema.shape,
        from: z.object({ kind: z.enum(['lot', 'serial']), id: z.string(), ...PlantRef }),
        to: z.object({ kind: z.enum(['lot', 'serial']), id: z.string(), ...PlantRef }),
        via: z.enum(['consume', 'split', 'merge', 'shipment']),
      }),
    ),
    /** True when a plant's trace was longer than one page (its first page is shown). */
    truncated: z.boolean(),
  }),
  'OrganizationTrace',
  "A lot's trace across member plants: a lot received at one plant whose supplier is a member plant and whose supplier lot is a lot of that plant continues there.",
);

// ---------- Master data templates (organization admins) ----------

/** The master data a template may hold, as the path names it, and the plant kind it is published as. */
export const TEMPLATE_KINDS = {
  materials: 'material',
  routings: 'routing',
  'reason-lists': 'reason-list',
  'inspection-plans': 'inspection-plan',
} as const;
export type TemplateKindPath = keyof typeof TEMPLATE_KINDS;
export const TEMPLATE_KIND_PATHS = Object.keys(TEMPLATE_KINDS) as TemplateKindPath[];

/** Each kind's content: the same input a plant's own PUT takes. */
export const TEMPLATE_INPUTS = {
  materials: MaterialInputSchema,
  routings: RoutingInputSchema,
  'reason-lists': ReasonListInputSchema,
  'inspection-plans': InspectionPlanInputSchema,
} as const;

export const TemplateParamsSchema = z.object({
  kind: z.enum(TEMPLATE_KIND_PATHS as [TemplateKindPath, ...TemplateKindPath[]]),
  id: IdSchema,
});

/** The template's content: checked against the kind's own input schema (the plant's PUT body), errors at `/body/...`. */
export const TemplateInputSchema = meta(
  z.record(z.string(), z.unknown()),
  'TemplateInput',
  "The record, as a plant's own PUT of that kind takes it (a material, a routing, a reason list (id: scrap, pause, hold or defect), an inspection plan).",
);

export const TemplateSchema = meta(
  z.object({
    kind: z.string(),
    id: z.string(),
    content: z.record(z.string(), z.unknown()),
    version: z.int(),
    updatedAt: Timestamp,
    updatedBy: z.string(),
  }),
  'Template',
  "A master data template kept in the organization's namespace, versioned.",
);

export const PublishTemplateSchema = meta(
  z.strictObject({
    /** The member plants to publish to. */
    plants: z.array(TenantIdSchema).check(
      z.minLength(1),
      z.maxLength(100),
      z.refine((ids) => new Set(ids).size === ids.length, 'names a plant twice'),
    ),
    /** Replace a plant's record even where the plant changed it since (or made it itself). */
    force: z.optional(z.boolean()),
  }),
  'PublishTemplate',
  'Publish the template to chosen member plants: each gets it as a new version of its own record, with its own audit record naming the template and version.',
);

export const PublishResultSchema = meta(
  z.object({
    template: z.object({ kind: z.string(), id: z.string(), version: z.int() }),
    plants: z.array(
      z.object({
        tenantId: z.string(),
        /** published: a new version; unchanged: the plant already has this template version. */
        outcome: z.enum(['published', 'unchanged']),
        /** The plant record's version after. */
        version: z.int(),
      }),
    ),
  }),
  'PublishResult',
  'What each plant got.',
);

/** Where a plant record came from, kept on it (and so in its audit record's changes). */
export const PublishedFromSchema = z.object({ organizationId: z.string(), templateVersion: z.int() });

export const REASON_LIST_IDS = REASON_LISTS;

export type OrganizationInput = z.infer<typeof OrganizationInputSchema>;
export type Organization = z.infer<typeof OrganizationSchema>;
export type OrganizationStatus = z.infer<typeof OrganizationStatusSchema>;
export type OeeRollup = z.infer<typeof OeeRollupSchema>;
export type OrgTrace = z.infer<typeof OrgTraceSchema>;
export type Template = z.infer<typeof TemplateSchema>;
export type PublishResult = z.infer<typeof PublishResultSchema>;
