/**
 * The audited kinds of record, as `GET /v1/audit?entity=` names them (issue 16). Apart from
 * chain.ts so that the route table, which the web app loads, imports no hashing (node:crypto).
 */
/** Master data kinds whose records are audited (shared/domain/master-data/model.ts), settings included. */
export const MASTER_DATA_AUDIT_KINDS = [
  'equipment',
  'material',
  'bom',
  'routing',
  'personnel',
  'settings',
  'shift-calendar',
  'downtime-reasons',
  'reason-list',
  'inspection-plan',
  /** A qualification's definition (issue 18): name, kind, levels, validity. */
  'qualification',
] as const;

/**
 * The entity names `GET /v1/audit?entity=` takes: every audited kind. `downtime` is a reason
 * given to one downtime event (id `{equipmentId}@{start ISO}`); `characteristic` an SPC
 * characteristic's baselines; `checkpoint` the tenant's own checkpoint chain (id `checkpoints`).
 */
export const AUDIT_ENTITIES = [
  'work-order',
  'lot',
  'serial',
  'recall',
  'nonconformance',
  'characteristic',
  'integration-credential',
  'webhook-endpoint',
  'downtime',
  'checkpoint',
  /** A user's signing trail (failed attempts, lock-outs; issue 16 section 2), id the user id. */
  'signing',
  /** A controlled document (issue 16 section 4), id the document id. */
  'document',
  /** A user of the plant (issue 17): invited, roles changed, disabled; id the user id. */
  'user',
  /** A plant in the platform registry (issue 17), read by platform operators; id the tenant id. */
  'plant',
  /** Maintenance (issue 18): a request (id `MR-…`) and a preventive plan. */
  'maintenance-request',
  'maintenance-plan',
  /** A person's labor (issue 18): every clock-on and clock-off, id the personnel id. */
  'labor',
  /** A person's qualifications (issue 18): each grant, renewal and withdrawal, id the personnel id. */
  'person-qualifications',
  /** A registered device or gateway (issue 17): registered, revoked; id the device id. */
  'device',
  ...MASTER_DATA_AUDIT_KINDS,
] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];
