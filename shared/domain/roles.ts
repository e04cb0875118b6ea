/** MES roles, carried in the token's `cognito:groups` claim. */
export const ROLES = ['operator', 'supervisor', 'planner', 'quality', 'admin', 'integration'] as const;
export type Role = (typeof ROLES)[number];
export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

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
  manageSettings: ['admin'],
  /** Integration credentials and webhook endpoints: secrets and where the plant's data goes. */
  manageIntegrations: ['admin'],
  /** Devices and gateways (issue 17): who registers a device holds its credentials once; who revokes it stops it. */
  manageDevices: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;
