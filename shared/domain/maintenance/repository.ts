/** The port the maintenance service talks to; shared/db/maintenance-repository.ts implements it on DynamoDB. */
import type { AuditRecord } from '../work-order/model.ts';
import type { IdempotencyRecord, Page, PageRequest, Receipt } from '../work-order/repository.ts';
import type { MaintenancePlan, MaintenanceRequest, MaintenanceRequestAggregate, MaintenanceStatus } from './model.ts';
import type { PlanChange } from './plans.ts';
import type { MaintenanceRequestWrite } from './requests.ts';

/** A started planned request's planned maintenance on its unit (keys.maintenanceWindow), as OEE reads it. */
export interface MaintenanceWindowRecord {
  requestId: string;
  equipmentId: string;
  plannedWindow: { start: string; end: string };
  startedAt: string;
  completedAt?: string | undefined;
  cancelledAt?: string | undefined;
}

export interface MaintenanceRepository {
  /** One strongly consistent GetItem. */
  get(tenantId: string, id: string): Promise<MaintenanceRequestAggregate | undefined>;
  history(tenantId: string, id: string): Promise<AuditRecord[]>;
  /** The last number the year's counter gave (0: none yet), strongly consistent. */
  counter(tenantId: string, year: string): Promise<number>;
  /**
   * ONE TransactWriteItems: the request (new: must not exist; changed: at the version read), its
   * audit record and event, the counter, the plan moved on (at its version read), the downtime's
   * link and the unit's maintenance window; with a receipt, the idempotency record too (a raise
   * with Idempotency-Key). Returns the record found when the receipt's key was taken first (a
   * retry, or a retried commit that had gone through); throws VersionConflictError when anything
   * else read changed.
   */
  commit(tenantId: string, write: MaintenanceRequestWrite, receipt?: Receipt): Promise<{ replay?: IdempotencyRecord }>;
  /** The idempotency record of a key (strongly consistent), if any. */
  getIdempotency(tenantId: string, scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** A page of one status (urgent first, then oldest), of the plant or of one unit. */
  list(tenantId: string, status: MaintenanceStatus, equipmentId: string | undefined, page: PageRequest): Promise<Page<MaintenanceRequest>>;
  /** Every request of these statuses (bounded: the open queue), of the plant or of one unit. */
  all(tenantId: string, statuses: readonly MaintenanceStatus[], equipmentId: string | undefined): Promise<MaintenanceRequest[]>;
  /** The planned maintenance windows of a unit that end at or after `from`. */
  windows(tenantId: string, equipmentId: string, from: number): Promise<MaintenanceWindowRecord[]>;

  getPlan(tenantId: string, id: string): Promise<MaintenancePlan | undefined>;
  listPlans(tenantId: string, page: PageRequest): Promise<Page<MaintenancePlan>>;
  allPlans(tenantId: string): Promise<MaintenancePlan[]>;
  /** The plan, conditioned on its version read, with its audit record. */
  commitPlan(tenantId: string, change: PlanChange): Promise<void>;
  /** Notes the tenant for the plan job (idempotent, system scope). */
  registerTenant(tenantId: string): Promise<void>;
  /** The tenants that keep plans. */
  tenants(): Promise<string[]>;
}
