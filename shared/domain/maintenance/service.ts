/**
 * Maintenance use cases (issue 18, docs/maintenance.md): read what a command needs (the request,
 * the unit, the person, the materials; the downtime event it comes from), run the pure command
 * (requests.ts, plans.ts), commit its write in ONE transaction; read and decide again when
 * another write came first. Speaks only to ports: the repository, master data, and two reads of
 * the telemetry side (a unit's downtime event, its cycle count), which the wiring lends.
 */
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../auth/claims.ts';
import { type Clock, systemClock } from '../clock.ts';
import { IdempotencyKeyReusedError, NotFoundError, StaleVersionError, UnknownReferenceError } from '../errors.ts';
import type { MasterDataRepository } from '../master-data/repository.ts';
import { retryOnConflict } from '../retry.ts';
import { plantDate } from '../tracking/lot-service.ts';
import { formatNumber } from '../tracking/numbering.ts';
import type { Page, Receipt } from '../work-order/repository.ts';
import {
  ACTIVE_MAINTENANCE_STATUSES,
  MAINTENANCE_PRIORITIES,
  type CancelMaintenanceRequest,
  type AssignMaintenanceRequest,
  type CompleteMaintenanceRequest,
  type MaintenancePlan,
  type MaintenancePlanInput,
  type MaintenancePlanView,
  type MaintenanceRequest,
  type MaintenanceRequestAggregate,
  type MaintenanceRequestDetail,
  type MaintenanceStatus,
  type PlanMaintenanceRequest,
  type RaiseMaintenanceRequest,
  type StartMaintenanceRequest,
} from './model.ts';
import { cyclesTowardNext, dueOccurrence, planRaised, putPlan } from './plans.ts';
import type { MaintenanceRepository } from './repository.ts';
import { assertCanMr, MaintenanceRuleError, MR_NUMBER_PATTERN, type MrContext, type MrStep, raiseRequest, transitionRequest } from './requests.ts';

/** What the maintenance side reads of telemetry (shared/telemetry/service.ts answers both). */
export interface MaintenanceTelemetry {
  /** The stop of a unit whose identity (or one of whose stretches) starts at `startIso`: its `stopStart`; undefined when there is none. */
  downtimeStopAt(auth: AuthContext, equipmentId: string, startIso: string): Promise<string | undefined>;
  /** Cycles (good + reject) the unit counted over [from, to). */
  cycles(auth: AuthContext, equipmentId: string, from: number, to: number): Promise<number>;
}

export type TransitionRequest =
  | { action: 'plan'; input: PlanMaintenanceRequest }
  | { action: 'assign'; input: AssignMaintenanceRequest }
  | { action: 'start'; input: StartMaintenanceRequest }
  | { action: 'complete'; input: CompleteMaintenanceRequest }
  | { action: 'cancel'; input: CancelMaintenanceRequest };

const iso = (t: string) => new Date(t).toISOString();
const toRequest = (r: MaintenanceRequestAggregate): MaintenanceRequest => {
  const { eventSeq: _, ...rest } = r;
  return rest;
};
const rank = (r: MaintenanceRequest) => MAINTENANCE_PRIORITIES.indexOf(r.priority);

const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
export const MAINTENANCE_IDEMPOTENCY_SCOPE = 'maintenance-requests';

/** Where the plan job tells what failed. */
export interface JobLog {
  warn(message: string, details?: Record<string, unknown>): void;
}

/** The plan job's identity: who raised a plan's request. */
export const PLAN_JOB_ACTOR = { userId: 'system:maintenance-plans', name: 'Preventive maintenance plan', roles: [] as const };

export class MaintenanceService {
  constructor(
    private readonly repository: MaintenanceRepository,
    private readonly masterData: MasterDataRepository,
    private readonly telemetry: MaintenanceTelemetry,
    private readonly clock: Clock = systemClock,
  ) {}

  private context(auth: Pick<AuthContext, 'tenantId' | 'userId' | 'name' | 'roles'>, now: Date): MrContext {
    return { tenantId: auth.tenantId, actor: { userId: auth.userId, name: auth.name, roles: auth.roles }, now: now.toISOString(), newId: uuidv7 };
  }

  private async unit(tenantId: string, id: string, pointer: string) {
    const unit = await this.masterData.get(tenantId, 'equipment', id);
    if (!unit) throw new UnknownReferenceError([{ pointer, detail: `equipment ${id} does not exist` }]);
    // A unit only: OEE and the cycle counters are per work unit, so maintenance on a center would count nowhere.
    if (unit.level !== 'workUnit') {
      throw new MaintenanceRuleError(pointer, `${unit.name} (${id}) is a ${unit.level}, not a work unit: pick the unit the work is on`);
    }
    return unit;
  }

  /** The next number of the plant's year (its date in its time zone, as nonconformance numbers), as an id and the counter's move. */
  private async number(tenantId: string, now: Date) {
    const calendar = await this.masterData.get(tenantId, 'shift-calendar', 'shift-calendar');
    const date = plantDate(now, calendar?.timeZone ?? 'UTC');
    const year = date.slice(0, 4);
    const from = await this.repository.counter(tenantId, year);
    const id = formatNumber(MR_NUMBER_PATTERN, { date, seq: from + 1, materialId: '' });
    return { id, counter: { year, from, to: from + 1 } };
  }

  /**
   * Raises a request. With an Idempotency-Key, a retry returns the first result: the key's record
   * is written in the request's transaction, so a commit that went through before a retry (the
   * SDK's, or the caller's) answers the first request instead of raising a second under the next number.
   */
  async raise(
    auth: AuthContext,
    input: RaiseMaintenanceRequest,
    idempotencyKey?: string,
  ): Promise<{ request: MaintenanceRequest; replayed: boolean }> {
    const requestHash = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
    const replayOf = (replay: { requestHash: string; response: unknown }) => {
      if (replay.requestHash !== requestHash) {
        throw new IdempotencyKeyReusedError(`Idempotency-Key ${idempotencyKey} was first used with a different request`);
      }
      return { request: replay.response as MaintenanceRequest, replayed: true };
    };
    const earlier = idempotencyKey ? await this.repository.getIdempotency(auth.tenantId, MAINTENANCE_IDEMPOTENCY_SCOPE, idempotencyKey) : undefined;
    if (earlier) return replayOf(earlier);
    const unit = await this.unit(auth.tenantId, input.equipmentId, '/body/equipmentId');
    // The downtime event it comes from: named by its identity on this unit (a stretch's start is taken to its stop's).
    const downtimeStart = input.downtimeStart ? await this.telemetry.downtimeStopAt(auth, unit.id, iso(input.downtimeStart)) : undefined;
    if (input.downtimeStart && !downtimeStart) {
      throw new UnknownReferenceError([
        {
          pointer: '/body/downtimeStart',
          detail: `${unit.name} has no downtime event starting at ${input.downtimeStart}: pick one from its downtime list`,
        },
      ]);
    }
    return retryOnConflict(undefined, async () => {
      const now = this.clock.now();
      const { id, counter } = await this.number(auth.tenantId, now);
      const write = raiseRequest(this.context(auth, now), {
        id,
        equipmentId: unit.id,
        equipmentName: unit.name,
        problem: input.problem,
        priority: input.priority ?? 'normal',
        origin: downtimeStart ? 'downtime' : 'person',
        ...(downtimeStart ? { downtimeStart } : {}),
        counter,
      });
      const request = toRequest(write.after);
      const receipt: Receipt | undefined = idempotencyKey
        ? { scope: MAINTENANCE_IDEMPOTENCY_SCOPE, key: idempotencyKey, requestHash, response: request, ttlSeconds: IDEMPOTENCY_TTL_SECONDS }
        : undefined;
      const { replay } = await this.repository.commit(auth.tenantId, write, receipt);
      return replay ? replayOf(replay) : { request, replayed: false };
    });
  }

  async get(auth: AuthContext, id: string): Promise<MaintenanceRequestDetail> {
    const [request, history] = await Promise.all([this.repository.get(auth.tenantId, id), this.repository.history(auth.tenantId, id)]);
    if (!request) throw new NotFoundError(`maintenance request ${id}`);
    return { ...toRequest(request), history };
  }

  /** Without status: the queue (every request not done, urgent first, then oldest); with it: a page of that status. */
  async list(
    auth: AuthContext,
    query: { status?: MaintenanceStatus | undefined; equipmentId?: string | undefined; limit: number; cursor?: string | undefined },
  ): Promise<Page<MaintenanceRequest>> {
    if (query.status) return this.repository.list(auth.tenantId, query.status, query.equipmentId, query);
    const all = await this.repository.all(auth.tenantId, ACTIVE_MAINTENANCE_STATUSES, query.equipmentId);
    return { items: all.sort((a, b) => rank(a) - rank(b) || a.raisedAt.localeCompare(b.raisedAt) || a.id.localeCompare(b.id)) };
  }

  async transition(auth: AuthContext, id: string, request: TransitionRequest, expectedVersion: number | undefined): Promise<MaintenanceRequest> {
    let step: MrStep | undefined;
    return retryOnConflict(expectedVersion, async () => {
      const before = await this.repository.get(auth.tenantId, id);
      if (!before) throw new NotFoundError(`maintenance request ${id}`);
      if (expectedVersion !== undefined && expectedVersion !== before.version) {
        throw new StaleVersionError(`maintenance request ${id} is at version ${before.version}, not ${expectedVersion}: reload it and try again`);
      }
      // The state first (a wrong step is a 409 whatever it names), then the master data the step names, read once.
      assertCanMr(request.action, before);
      step ??= await this.stepOf(auth, request);
      const write = transitionRequest(this.context(auth, this.clock.now()), before, step);
      await this.repository.commit(auth.tenantId, write);
      return toRequest(write.after);
    });
  }

  private async stepOf(auth: AuthContext, request: TransitionRequest): Promise<MrStep> {
    switch (request.action) {
      case 'plan':
        return { action: 'plan', window: { start: iso(request.input.start), end: iso(request.input.end) }, comment: request.input.comment };
      case 'assign': {
        const person = await this.masterData.get(auth.tenantId, 'personnel', request.input.assigneeId);
        if (!person)
          throw new UnknownReferenceError([{ pointer: '/body/assigneeId', detail: `personnel ${request.input.assigneeId} does not exist` }]);
        return { action: 'assign', assigneeId: person.id, assigneeName: person.name, comment: request.input.comment };
      }
      case 'start':
        return { action: 'start', comment: request.input.comment };
      case 'complete': {
        const given = request.input.parts ?? [];
        const materials = await Promise.all(given.map((p) => this.masterData.get(auth.tenantId, 'material', p.materialId)));
        const missing = given.flatMap((p, i) =>
          materials[i] ? [] : [{ pointer: `/body/parts/${i}/materialId`, detail: `material ${p.materialId} does not exist` }],
        );
        if (missing.length) throw new UnknownReferenceError(missing);
        const parts = given.map((p, i) => {
          const m = materials[i];
          return {
            materialId: p.materialId,
            ...(m?.name ? { materialName: m.name } : {}),
            quantity: p.quantity,
            ...(m?.uom ? { uom: m.uom } : {}),
            ...(p.lotId ? { lotId: p.lotId } : {}),
          };
        });
        return { action: 'complete', workDone: request.input.workDone, parts, laborMinutes: request.input.laborMinutes };
      }
      case 'cancel':
        return { action: 'cancel', reason: request.input.reason };
    }
  }

  // ---------- Preventive plans ----------

  async putPlan(auth: AuthContext, id: string, input: MaintenancePlanInput, expectedVersion: number | undefined): Promise<MaintenancePlan> {
    await this.unit(auth.tenantId, input.equipmentId, '/body/equipmentId');
    const plan = await retryOnConflict(expectedVersion, async () => {
      const before = await this.repository.getPlan(auth.tenantId, id);
      if (expectedVersion !== undefined && expectedVersion !== (before?.version ?? 0)) {
        throw new StaleVersionError(`maintenance plan ${id} is at version ${before?.version ?? 0}, not ${expectedVersion}: reload it and try again`);
      }
      const change = putPlan({ userId: auth.userId, name: auth.name, roles: auth.roles }, this.clock.now().toISOString(), id, input, before);
      // The job's registry first (idempotent): a plan committed is always found by the job, even when this call fails after.
      await this.repository.registerTenant(auth.tenantId);
      await this.repository.commitPlan(auth.tenantId, change);
      return change.after;
    });
    return plan;
  }

  async getPlan(auth: AuthContext, id: string): Promise<MaintenancePlanView> {
    const plan = await this.repository.getPlan(auth.tenantId, id);
    if (!plan) throw new NotFoundError(`maintenance plan ${id}`);
    if (plan.trigger.kind !== 'counter' || !plan.countFrom) return plan;
    const counted = await this.telemetry.cycles(auth, plan.equipmentId, Date.parse(plan.countFrom), this.clock.now().getTime());
    return { ...plan, cyclesSinceLast: cyclesTowardNext(plan, counted) };
  }

  listPlans(auth: AuthContext, page: { limit: number; cursor?: string | undefined }) {
    return this.repository.listPlans(auth.tenantId, page);
  }

  /**
   * The plan job's work for one tenant: each active plan that fell due raises one request for
   * its occurrence, in the transaction that moves the plan on (a second run, or a concurrent one,
   * finds the occurrence taken). A plan that fails (its telemetry unreadable, say) is logged and
   * left for the next run; the other plans go on. Returns the requests raised.
   */
  async evaluatePlans(tenantId: string, log: JobLog = console): Promise<MaintenanceRequest[]> {
    const auth: AuthContext = { tenantId, ...PLAN_JOB_ACTOR };
    const raised: MaintenanceRequest[] = [];
    for (const listed of await this.repository.allPlans(tenantId)) {
      if (!listed.active) continue;
      const request = await this.evaluatePlan(auth, listed.id).catch((error: unknown) => {
        log.warn('maintenance plans: a plan failed', { tenantId, planId: listed.id, error: (error as Error).message });
        return undefined;
      });
      if (request) raised.push(request);
    }
    return raised;
  }

  private evaluatePlan(auth: AuthContext, planId: string): Promise<MaintenanceRequest | undefined> {
    const tenantId = auth.tenantId;
    return retryOnConflict(undefined, async () => {
      const plan = await this.repository.getPlan(tenantId, planId);
      if (!plan?.active) return undefined;
      const now = this.clock.now();
      const cycles =
        plan.trigger.kind === 'counter' && plan.countFrom
          ? cyclesTowardNext(plan, await this.telemetry.cycles(auth, plan.equipmentId, Date.parse(plan.countFrom), now.getTime()))
          : undefined;
      const occurrence = dueOccurrence(plan, now.getTime(), cycles);
      if (occurrence === undefined) return undefined;
      const unit = await this.masterData.get(tenantId, 'equipment', plan.equipmentId);
      const { id, counter } = await this.number(tenantId, now);
      const write = raiseRequest(this.context(auth, now), {
        id,
        equipmentId: plan.equipmentId,
        ...(unit ? { equipmentName: unit.name } : {}),
        problem: plan.task,
        priority: plan.priority,
        origin: 'plan',
        planId: plan.id,
        occurrence,
        counter,
        plan: { before: plan, after: planRaised(plan, occurrence, id, now.toISOString(), cycles) },
      });
      await this.repository.commit(tenantId, write);
      return toRequest(write.after);
    });
  }

  /**
   * Every tenant's plans (the scheduled job): a failing tenant (or plan) does not stop the others.
   * Each tenant's evaluation runs in `inTenant` (the wiring lends withTenantScope: its reads and
   * writes may touch that tenant's keys only).
   */
  async run(log: JobLog = console, inTenant: <T>(tenantId: string, fn: () => Promise<T>) => Promise<T> = (_, fn) => fn()) {
    let raised = 0;
    const tenants = await this.repository.tenants();
    for (const tenantId of tenants) {
      try {
        raised += (await inTenant(tenantId, () => this.evaluatePlans(tenantId, log))).length;
      } catch (error) {
        log.warn('maintenance plans: a tenant failed', { tenantId, error: (error as Error).message });
      }
    }
    return { tenants: tenants.length, raised };
  }
}
