/**
 * The plant roles, carried in the token's `cognito:groups` claim: what a plant's users (and its
 * integrations) may be. Every plant route admits plant roles only (PERMISSIONS below).
 */
/** `maintenance` (issue 18): technicians, who see and work the maintenance queue. */
export const ROLES = ['operator', 'supervisor', 'planner', 'quality', 'admin', 'integration', 'maintenance'] as const;
export type PlantRole = (typeof ROLES)[number];
export const isPlantRole = (value: unknown): value is PlantRole => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/**
 * The reserved tenant of the platform operators (issue 17): their records (the plant registry)
 * live under `platform#`. No plant may take it, nor any id starting `org-` (organizations).
 */
export const PLATFORM_TENANT = 'platform';
/** Roles above the plants, honoured only in a token of the PLATFORM_TENANT (functions/lib/auth.ts). */
export const PLATFORM_ROLES = ['platform-operator'] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

/**
 * Organizations (issue 17, docs/organizations.md) group plants. An organization is its own
 * namespace tenant `org-{orgId}`: its users' tokens name that tenant, with `org-viewer` (reads
 * across its plants) or `org-admin` (also publishes master data templates to them). Honoured only
 * in an organization's token; never on a plant route.
 */
export const ORG_ROLES = ['org-viewer', 'org-admin'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
export const ORG_TENANT_PREFIX = 'org-';
/** The organization's tenant: `org-{orgId}`. */
export const orgTenantOf = (orgId: string) => `${ORG_TENANT_PREFIX}${orgId}`;
/** The organization id of an organization's tenant, undefined for any other tenant. */
export const orgIdOf = (tenantId: string): string | undefined =>
  tenantId.startsWith(ORG_TENANT_PREFIX) && tenantId.length > ORG_TENANT_PREFIX.length ? tenantId.slice(ORG_TENANT_PREFIX.length) : undefined;

/**
 * Every role a token may carry and a route may name: plant roles and the roles above plants
 * (organization roles are appended here the same way).
 */
export const ALL_ROLES = [...ROLES, ...PLATFORM_ROLES, ...ORG_ROLES] as const;
export type Role = (typeof ALL_ROLES)[number];
export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ALL_ROLES as readonly string[]).includes(value);

/** Which of a token's roles count for its tenant: platform roles in the platform tenant only, plant roles anywhere else. */
export function rolesHonoured(tenantId: string, roles: readonly Role[]): Role[] {
  const platform = tenantId === PLATFORM_TENANT;
  // Organization roles count only in an organization's tenant, and nothing else does there (issue 17, i17-org).
  const org = orgIdOf(tenantId) !== undefined;
  return roles.filter((r) =>
    (ORG_ROLES as readonly string[]).includes(r) ? org : (PLATFORM_ROLES as readonly string[]).includes(r) ? platform : !platform && !org,
  );
}

/** A tenant id no plant may take: the platform's, and the organizations' namespace (`org-...`). */
export function reservedTenantReason(tenantId: string): string | undefined {
  if (tenantId === PLATFORM_TENANT) return `'${PLATFORM_TENANT}' is the platform operators' own tenant`;
  if (tenantId.startsWith('org-')) return "ids starting 'org-' are reserved for organizations";
  return undefined;
}

/** Who may do what. Reads are open to every role of the tenant. */
export const PERMISSIONS = {
  read: ROLES,
  manageMasterData: ['planner', 'admin', 'integration'],
  createWorkOrder: ['planner', 'admin', 'integration'],
  superviseWorkOrder: ['supervisor', 'admin'],
  /** Quality places and lifts quality holds (see work-order/holds.ts). */
  holdWorkOrder: ['supervisor', 'quality', 'admin'],
  executeOperation: ['operator', 'supervisor', 'admin'],
  /** Correcting a report (quantities, scrap reason, recorded value) by a new audited record. */
  correctRecords: ['supervisor', 'quality', 'admin'],
  /** Reopening a done operation sends work back to the floor: whoever directs the work. */
  reopenOperation: ['supervisor', 'admin'],
  /** Material lots (issue 14): receive (also from the ERP), split and merge. */
  manageLots: ['supervisor', 'planner', 'quality', 'admin', 'integration'],
  /** Whoever directs the work or checks it may stop a suspect lot from being used... */
  holdLot: ['supervisor', 'quality', 'admin'],
  /** ...but only quality (or an admin, as with a quality hold of an order) says it may be used again. */
  releaseLot: ['quality', 'admin'],
  /** Writing off material is a quality disposition, or a supervisor's on the floor. */
  scrapLot: ['supervisor', 'quality', 'admin'],
  /** Shipping lots and serials: whoever directs the work on the floor, or the ERP booking a delivery. */
  ship: ['supervisor', 'admin', 'integration'],
  /** A recall holds a whole forward trace: a quality decision (an admin may stand in). */
  recall: ['quality', 'admin'],
  /** Inspection plans (issue 15): quality defines what is inspected; the ERP or a PLM may send them. */
  manageInspectionPlans: ['quality', 'admin', 'integration'],
  /** Recording an inspection's results: on the floor, or by quality. */
  recordInspection: ['operator', 'supervisor', 'quality', 'admin'],
  /** Inspecting a failed inspection again: quality only (an admin may stand in), so no one tests into compliance. */
  reinspect: ['quality', 'admin'],
  /** Nonconformances (issue 15): whoever finds a defect reports it; only quality decides what becomes of it. */
  reportNonconformance: ['operator', 'supervisor', 'quality', 'admin'],
  dispositionNonconformance: ['quality', 'admin'],
  /** SPC (issue 15): freezing a characteristic's control limits is a quality decision. */
  freezeBaseline: ['quality', 'admin'],
  /** The audit trail (issue 16): whoever reviews records reads it; quality and admins verify it. */
  readAudit: ['supervisor', 'quality', 'admin'],
  verifyAudit: ['quality', 'admin'],
  /** Controlled documents (issue 16): quality, planners and admins write work instructions... */
  authorDocuments: ['quality', 'planner', 'admin'],
  /**
   * ...quality approves them, with the signatures the plant's 'document.approve' policy asks for
   * (its default: an approval by quality or an admin standing in).
   */
  approveDocuments: ['quality', 'admin'],
  /** Qualifications (issue 18): supervisors and admins define them, grant them to people, and see what expires. */
  manageQualifications: ['supervisor', 'admin'],
  manageSettings: ['admin'],
  /** Integration credentials and webhook endpoints: secrets and where the plant's data goes. */
  manageIntegrations: ['admin'],
  /** Users of the plant and their roles (issue 17; docs/onboarding.md). */
  manageUsers: ['admin'],
  /** Devices and gateways (issue 17): who registers a device holds its credentials once; who revokes it stops it. */
  manageDevices: ['admin'],
  /** Maintenance (issue 18; docs/maintenance.md): whoever sees a unit fail raises a request (an operator, a supervisor, a technician)... */
  raiseMaintenanceRequest: ['operator', 'supervisor', 'maintenance', 'admin'],
  /** ...supervisors and technicians plan, assign, start, complete and cancel it, and keep the preventive plans. */
  workMaintenance: ['supervisor', 'maintenance', 'admin'],
  manageMaintenancePlans: ['supervisor', 'maintenance', 'admin'],
} as const satisfies Record<string, readonly PlantRole[]>;
export type Permission = keyof typeof PERMISSIONS;

/** Above the plants (issue 17): the platform's own administration. Never a plant role. */
export const PLATFORM_PERMISSIONS = {
  /** Create plants (tenants) and read the plant registry. */
  managePlants: ['platform-operator'],
  /** Create and change organizations: which plants each groups (i17-org). */
  manageOrganizations: ['platform-operator'],
} as const satisfies Record<string, readonly PlatformRole[]>;

/** An organization's users (i17-org; docs/organizations.md): read-only across its plants, and its templates. */
export const ORG_PERMISSIONS = {
  readOrganization: ['org-viewer', 'org-admin'],
  /** Keep master data templates and publish them to member plants. */
  publishTemplates: ['org-admin'],
} as const satisfies Record<string, readonly OrgRole[]>;
