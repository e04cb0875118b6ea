/**
 * Work order use cases: read what a command needs, run the pure command, commit its result in
 * one transaction. Speaks only to the repository ports, never to DynamoDB.
 */
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../auth/claims.ts';
import type { Material, Routing } from '../master-data/model.ts';
import {
  IdempotencyKeyReusedError,
  IllegalTransitionError,
  NotFoundError,
  QuantityRuleError,
  StaleVersionError,
  ValidationError,
  SpcMonitorChangedError,
  UnitOfMeasureError,
  UnknownReferenceError,
  type FieldError,
} from '../errors.ts';
import { quantityProblem, sameUnit } from '../master-data/units.ts';
import type { MasterDataRepository } from '../master-data/repository.ts';
import { assertActiveReason, type ReasonListName, reasonListOf } from '../master-data/reason-lists.ts';
import { planSpcWrites } from '../quality/spc-monitor.ts';
import type { SpcStateReader, SpcWrites } from '../quality/spc-repository.ts';
import { recordedSamples } from '../quality/recorded-samples.ts';
import * as commands from './commands.ts';
import * as consume from './consume.ts';
import type { ConsumeMaterial } from './consume.ts';
import type { CounterAdvance, LotRepository } from '../tracking/lot-repository.ts';
import { numberFor } from '../tracking/lot-service.ts';
import type { SerialUnit } from '../tracking/model.ts';
import {
  MAX_LATE_LINKS,
  MAX_SERIALS_PER_REPORT,
  type OutputPlan,
  type Produced,
  consumptionEdges,
  isLastOperation,
  produce,
  unitsCovered,
} from './produce.ts';
import { componentsFromBom, planBackflush, requiredQuantity } from '../tracking/consumption.ts';
import { consumeFromLot } from '../tracking/consume.ts';
import type { LotAggregate, LotChange } from '../tracking/lots.ts';
import * as corrections from './corrections.ts';
import type {
  AuditRecord,
  CommandResult,
  CompleteOperation,
  CorrectReport,
  CreateWorkOrder,
  Operation,
  ReportOperation,
  WorkOrderAggregate,
  WorkOrderDetail,
} from './model.ts';
import type { PageRequest, Receipt, WorkOrderRepository } from './repository.ts';
import type { WorkOrderStatus } from './status.ts';
import type { HoldKind } from './holds.ts';
import { runCommand } from '../retry.ts';
import { plansForRelease } from '../quality/inspection-plans.ts';
import type { EffectiveDocuments } from '../documents/release.ts';
import type { DocumentReference } from '../documents/model.ts';
import { passAllGate, type QualificationGate, type QualificationOverride } from '../qualifications/gate.ts';
import { requirementsForRelease, workCentersOf } from '../qualifications/requirements.ts';
import { type Clock, systemClock } from '../clock.ts';

export const toDetail = ({ eventSeq: _, ...order }: WorkOrderAggregate): WorkOrderDetail => order;

/** The request fields a reference problem is reported at. */
export type ReferenceField = 'materialId' | 'routingId' | 'bomId' | 'workCenterId' | 'unitOfMeasure' | 'quantity';

/** A change to one order, computed but not written; no `result` when nothing changes. */
export interface PlannedChange {
  id: string;
  outcome: 'created' | 'updated' | 'unchanged' | 'cancelled';
  version: number;
  result?: CommandResult;
}

type OrderCommand = (ctx: commands.CommandContext, order: WorkOrderAggregate) => CommandResult | Promise<CommandResult>;

/** A reason chosen from one of the plant's lists, where the request names it, and a comment. */
export interface ReasonChoice {
  code: string;
  /** The request field that carries the code, e.g. `/body/reasonCode`. */
  pointer: string;
  comment?: string | undefined;
}

export class WorkOrderService {
  constructor(
    private readonly orders: WorkOrderRepository,
    private readonly masterData: MasterDataRepository,
    private readonly clock: Clock = systemClock,
    /** The lots an operation consumes (issue 14). */
    private readonly lots?: LotRepository,
    /** The SPC monitors' states: recorded numeric values are SPC samples, judged at write time (issue 15). */
    private readonly spc?: SpcStateReader,
    /** The controlled documents' versions in force, copied at release (issue 16). */
    private readonly documents?: Pick<EffectiveDocuments, 'forRouting'>,
    /** The qualification gate on operation start (issue 18). */
    private readonly gate: QualificationGate = passAllGate,
  ) {}

  private context(auth: AuthContext): commands.CommandContext {
    return {
      tenantId: auth.tenantId,
      actor: { userId: auth.userId, name: auth.name, roles: auth.roles },
      now: this.clock.now().toISOString(),
      // Event ids are UUIDv7: time-ordered, so a webhook endpoint's messages sort by time.
      newId: uuidv7,
    };
  }

  async get(auth: AuthContext, id: string): Promise<WorkOrderDetail> {
    return toDetail(await this.load(auth, id));
  }

  private async load(auth: AuthContext, id: string, expectedVersion?: number) {
    const order = await this.orders.get(auth.tenantId, id);
    if (!order) throw new NotFoundError(`work order ${id}`);
    if (expectedVersion !== undefined && order.version !== expectedVersion) {
      throw withChange(
        new StaleVersionError(`work order ${id} is at version ${order.version}, not ${expectedVersion}; reload it and try again`),
        order,
      );
    }
    return order;
  }

  /** Creates a PLANNED order. With an Idempotency-Key, a retry returns the first result. */
  async create(auth: AuthContext, input: CreateWorkOrder, idempotencyKey?: string): Promise<{ order: WorkOrderDetail; replayed: boolean }> {
    const ctx = this.context(auth);
    const requestHash = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
    const { routing, material } = await this.references(auth.tenantId, input, (field) => `/body/${field}`);
    const id = input.id ?? newWorkOrderId(this.clock.now());
    const result = commands.createWorkOrder(ctx, { ...input, id }, routing, material);
    const order = toDetail(result.after);
    const { replay } = await this.orders.commit(
      auth.tenantId,
      result,
      idempotencyKey ? { key: idempotencyKey, requestHash, response: order } : undefined,
    );
    if (!replay) return { order, replayed: false };
    if (replay.requestHash !== requestHash) {
      throw new IdempotencyKeyReusedError(`Idempotency-Key ${idempotencyKey} was first used with a different request`);
    }
    return { order: replay.response as WorkOrderDetail, replayed: true };
  }

  /**
   * The routing the order follows and its material, once material, routing, BOM, work center
   * (and, when given, the unit of measure) are known to fit together; else every problem at
   * once, at `pointer`.
   */
  private async references(
    tenantId: string,
    input: CreateWorkOrder & { unitOfMeasure?: string | undefined },
    pointer: (field: ReferenceField) => string,
  ): Promise<{ routing: Routing; material: Material }> {
    const [material, routing, bom, workCenter] = await Promise.all([
      this.masterData.get(tenantId, 'material', input.materialId),
      this.masterData.get(tenantId, 'routing', input.routingId),
      input.bomId ? this.masterData.get(tenantId, 'bom', input.bomId) : undefined,
      input.workCenterId ? this.masterData.get(tenantId, 'equipment', input.workCenterId) : undefined,
    ]);
    const errors: FieldError[] = [];
    if (!material) errors.push({ pointer: pointer('materialId'), detail: `material ${input.materialId} does not exist` });
    else if (input.unitOfMeasure !== undefined && !sameUnit(material.uom, input.unitOfMeasure)) {
      errors.push({
        pointer: pointer('unitOfMeasure'),
        detail: `material ${input.materialId} is counted in ${material.uom}, not ${input.unitOfMeasure}`,
      });
    }
    if (!routing) errors.push({ pointer: pointer('routingId'), detail: `routing ${input.routingId} does not exist` });
    else if (routing.materialId !== input.materialId) {
      errors.push({ pointer: pointer('routingId'), detail: `routing ${input.routingId} makes ${routing.materialId}, not ${input.materialId}` });
    }
    if (input.bomId && !bom) errors.push({ pointer: pointer('bomId'), detail: `BOM ${input.bomId} does not exist` });
    else if (bom && bom.materialId !== input.materialId) {
      errors.push({ pointer: pointer('bomId'), detail: `BOM ${input.bomId} is for ${bom.materialId}, not ${input.materialId}` });
    }
    if (input.workCenterId && !workCenter)
      errors.push({ pointer: pointer('workCenterId'), detail: `equipment ${input.workCenterId} does not exist` });
    // No routing is one of the errors; saying so again lets the compiler see it.
    if (errors.length || !routing || !material) throw new UnknownReferenceError(errors);
    // 2.5 pumps is not a quantity: a whole-unit material is ordered in whole units.
    const problem = quantityProblem(input.quantity, material.uom);
    if (problem) throw new UnitOfMeasureError([{ pointer: pointer('quantity'), detail: problem }]);
    return { routing, material };
  }

  // ---------- From the ERP: planned here, written together with the delivery's receipt ----------

  /**
   * What a production-order upsert would do: create the order, change it (commands.updateWorkOrder
   * says what may change in which status), or nothing. Refusals throw before anything is built.
   */
  async planUpsert(
    auth: AuthContext,
    input: CreateWorkOrder & { id: string; unitOfMeasure?: string | undefined },
    pointer: (field: ReferenceField) => string,
  ): Promise<PlannedChange> {
    const order = await this.orders.get(auth.tenantId, input.id);
    // State first: a started order is refused whatever the references say.
    if (order) commands.assertChangeable(order);
    const { routing, material } = await this.references(auth.tenantId, input, pointer);
    const { unitOfMeasure: _, ...fields } = input;
    if (!order) {
      const result = commands.createWorkOrder(this.context(auth), fields, routing, material);
      return { id: input.id, outcome: 'created', version: result.after.version, result };
    }
    const result = commands.updateWorkOrder(this.context(auth), order, fields, routing, material);
    if (commands.isNoOp(result)) return { id: input.id, outcome: 'unchanged', version: order.version };
    return { id: input.id, outcome: 'updated', version: result.after.version, result };
  }

  /** What a cancel from the ERP would do: cancel, nothing (cancelled already), or refuse. */
  async planCancel(auth: AuthContext, id: string, reason: string, pointer: string): Promise<PlannedChange> {
    const order = await this.orders.get(auth.tenantId, id);
    if (!order) throw new UnknownReferenceError([{ pointer, detail: `work order ${id} does not exist` }]);
    if (order.status === 'CANCELLED') return { id, outcome: 'unchanged', version: order.version };
    commands.assertChangeable(order);
    const result = commands.cancelWorkOrder(this.context(auth), order, reason);
    return { id, outcome: 'cancelled', version: result.after.version, result };
  }

  /** Writes planned changes and the receipt in one transaction; returns the earlier receipt on a replay. */
  commitPlanned(auth: AuthContext, planned: readonly PlannedChange[], receipt: Receipt) {
    return this.orders.commitAll(
      auth.tenantId,
      planned.flatMap((p) => (p.result ? [p.result] : [])),
      receipt,
    );
  }

  receipt(auth: AuthContext, scope: string, key: string) {
    return this.orders.getIdempotency(auth.tenantId, scope, key);
  }

  /** Read, decide, write; read again and decide again when another write came first (retry.ts). */
  private act(auth: AuthContext, id: string, expectedVersion: number | undefined, command: OrderCommand) {
    return runCommand(auth.tenantId, `work-order/${id}`, expectedVersion, async () => {
      const order = await this.load(auth, id, expectedVersion);
      const result = await refusedWithChange(order, () => command(this.context(auth), order));
      await this.orders.commit(auth.tenantId, result);
      return toDetail(result.after);
    });
  }

  release(auth: AuthContext, id: string, comment?: string, expectedVersion?: number) {
    return runCommand(auth.tenantId, `work-order/${id}`, expectedVersion, async () => {
      const order = await this.load(auth, id, expectedVersion);
      const [routing, settings, components, plans] = await Promise.all([
        this.masterData.get(auth.tenantId, 'routing', order.routingId),
        this.masterData.get(auth.tenantId, 'settings', 'settings'),
        this.bomComponents(auth, order),
        // Issue 15: one Query of the plant's inspection plans, only for a release that can happen.
        order.status === 'PLANNED' ? this.masterData.listAll(auth.tenantId, 'inspection-plan') : [],
      ]);
      if (!routing) throw new UnknownReferenceError(`routing ${order.routingId} of work order ${id} does not exist`);
      const tolerance = Number(settings?.overrunTolerancePct ?? 0);
      const { bySeq, astray } = plansForRelease(plans, order, routing);
      const ctx = this.context(auth);
      // Issue 16: the version of each document in force now (one BatchGetItem), only for a release that can happen.
      const documents = order.status === 'PLANNED' && this.documents ? await this.documents.forRouting(auth.tenantId, routing, ctx.now) : new Map();
      // Issue 18: what each operation requires (routing, work center or unit, document training), copied so start reads none of it.
      const qualifications = order.status === 'PLANNED' ? await this.requirements(auth, routing, documents) : new Map();
      const result = await refusedWithChange(order, () => {
        const released = commands.releaseWorkOrder(ctx, order, routing, tolerance, comment, components, bySeq, documents, qualifications);
        if (astray.length)
          throw new UnknownReferenceError(
            `inspection plan ${astray.map((p) => `${p.id} (operation ${p.operationSeq})`).join(', ')} names an operation routing ${order.routingId} does not have (it has ${routing.operations.map((o) => o.seq).join(', ')}): correct the plan or the routing`,
          );
        return released;
      });
      await this.orders.commit(auth.tenantId, result);
      return toDetail(result.after);
    });
  }

  /** Issue 18: the units the routing runs at and the plant's qualification definitions, in two reads (one BatchGetItem, one Query). */
  private async requirements(auth: AuthContext, routing: Routing, documents: ReadonlyMap<number, DocumentReference[]>) {
    const [units, definitions] = await Promise.all([
      this.masterData.getMany(auth.tenantId, 'equipment', workCentersOf(routing)),
      this.masterData.listAll(auth.tenantId, 'qualification'),
    ]);
    return requirementsForRelease(routing, units, definitions, documents);
  }

  /** The order's BOM as its operations carry it (issue 14): the BOM and its lines' materials in two reads. */
  private async bomComponents(auth: AuthContext, order: WorkOrderAggregate) {
    if (!order.bomId || order.status !== 'PLANNED') return undefined;
    const bom = await this.masterData.get(auth.tenantId, 'bom', order.bomId);
    if (!bom) throw new UnknownReferenceError(`BOM ${order.bomId} of work order ${order.id} does not exist`);
    const ids = [...new Set(bom.components.flatMap((c) => [c.materialId, ...(c.substitutes ?? [])]))];
    return componentsFromBom(bom, await this.masterData.getMany(auth.tenantId, 'material', ids));
  }

  /**
   * Runs the command, and keeps its result only when `code` (when given) is an active reason of
   * the plant's list: a missing order (404) and the state rules (409) are said first.
   */
  private async actWithReason(
    auth: AuthContext,
    id: string,
    v: number | undefined,
    list: ReasonListName,
    code: string | undefined,
    pointer: string,
    command: OrderCommand,
  ) {
    const reasons = code === undefined ? undefined : reasonListOf(list, await this.masterData.get(auth.tenantId, 'reason-list', list));
    return this.act(auth, id, v, async (c, o) => {
      const result = await command(c, o);
      if (reasons && code !== undefined) assertActiveReason(reasons, code, pointer);
      return result;
    });
  }

  hold = (auth: AuthContext, id: string, reason: ReasonChoice, kind?: HoldKind, v?: number) =>
    this.actWithReason(auth, id, v, 'hold', reason.code, reason.pointer, (c, o) => commands.holdWorkOrder(c, o, reason.code, kind, reason.comment));
  resume = (auth: AuthContext, id: string, comment?: string, v?: number) => this.act(auth, id, v, (c, o) => commands.resumeWorkOrder(c, o, comment));
  cancel = (auth: AuthContext, id: string, reason: string, v?: number) => this.act(auth, id, v, (c, o) => commands.cancelWorkOrder(c, o, reason));
  close = (auth: AuthContext, id: string, comment?: string, v?: number) => this.act(auth, id, v, (c, o) => commands.closeWorkOrder(c, o, comment));

  /**
   * Issue 18: an operation that requires qualifications starts only for someone who holds them
   * (the gate reads the starter's set in ONE GetItem), or with a supervisor's signed override.
   */
  startOperation = (auth: AuthContext, id: string, seq: number, comment?: string, v?: number, override?: QualificationOverride) =>
    this.act(auth, id, v, async (c, o) => {
      const op = o.operations.find((x) => x.seq === seq);
      if (!op?.qualifications?.length) return commands.startOperation(c, o, seq, comment);
      // The order's own refusals (404, 409) come first; then the gate.
      commands.assertOperation('start', o, op);
      const gate = await this.gate.check(auth, { workOrderId: id, seq, personnelIds: [], self: true, requirements: op.qualifications }, override);
      return commands.startOperation(
        c,
        o,
        seq,
        comment,
        gate.signature && gate.overrideReason
          ? {
              at: c.now,
              by: gate.signature.signerId,
              byName: gate.signature.printedName,
              reason: gate.overrideReason,
              signatureId: gate.signature.id,
              meaning: gate.signature.meaning,
              missing: gate.missing,
            }
          : undefined,
      );
    });
  pauseOperation = (auth: AuthContext, id: string, seq: number, reason: ReasonChoice, v?: number) =>
    this.actWithReason(auth, id, v, 'pause', reason.code, reason.pointer, (c, o) => commands.pauseOperation(c, o, seq, reason.code, reason.comment));
  resumeOperation = (auth: AuthContext, id: string, seq: number, comment?: string, v?: number) =>
    this.act(auth, id, v, (c, o) => commands.resumeOperation(c, o, seq, comment));
  reportOperation = (auth: AuthContext, id: string, seq: number, report: ReportOperation, v?: number) =>
    this.report(auth, id, seq, report, v, 'report');
  completeOperation = (auth: AuthContext, id: string, seq: number, input: CompleteOperation, v?: number) =>
    this.report(auth, id, seq, input, v, 'complete');

  /**
   * A report or completion: the order's change and, at the last operation of an order making a
   * lot- or serial-tracked material, what its good units made (the output lot or the serials, the
   * genealogy edges from what the order consumed, the numbers given) in the same transaction.
   * The scrap reason, when given, must be an active one of the plant's list: said after the
   * order's own refusals (404, 409), as every reason is.
   */
  private async report(
    auth: AuthContext,
    id: string,
    seq: number,
    input: ReportOperation | CompleteOperation,
    v: number | undefined,
    kind: 'report' | 'complete',
  ) {
    const code = input.scrapReasonCode;
    const reasons = code === undefined ? undefined : reasonListOf('scrap', await this.masterData.get(auth.tenantId, 'reason-list', 'scrap'));
    return runCommand(auth.tenantId, `work-order/${id}`, v, async () => {
      const order = await this.load(auth, id, v);
      const ctx = this.context(auth);
      const op = order.operations.find((o) => o.seq === seq);
      // The order's own refusals (404, 409, saying who changed it last) come before anything about lots.
      if (op) await refusedWithChange(order, () => commands.assertOperation(kind, order, op));
      const [uom, output, backflush] = await Promise.all([
        this.unitOf(auth, order),
        this.outputPlan(auth, order, seq, input),
        op ? this.backflushPlan(auth, ctx, order, op, input) : undefined,
      ]);
      let produced: Produced | undefined;
      const producer: commands.Producer | undefined = output
        ? (next, updated, goodBefore, goodDelta) => {
            const made = produce(ctx, next, updated, goodBefore, goodDelta, output.plan);
            produced = made.produced;
            return { next: { ...next, output: made.output }, event: made.event };
          }
        : undefined;
      const tracking = { backflush: backflush?.records, producer };
      const result = await refusedWithChange(order, () =>
        kind === 'report'
          ? commands.reportOperation(ctx, order, seq, input, uom, tracking)
          : commands.completeOperation(ctx, order, seq, input, uom, tracking),
      );
      if (reasons && code !== undefined) assertActiveReason(reasons, code, '/body/scrapReasonCode');
      const made = produced as Produced | undefined;
      const commitWith = async (spc: SpcWrites | undefined) => {
        if (!made && !backflush && !spc) return void (await this.orders.commit(auth.tenantId, result));
        const lotChanges = [...(backflush?.lots ?? []), ...(made?.lot ? [made.lot] : [])];
        await this.orders.commitTracked(auth.tenantId, result, {
          ...(lotChanges.length ? { lots: { changes: lotChanges, edges: [] } } : {}),
          serials: made?.serials ?? [],
          edges: made?.edges ?? [],
          counters: output?.counters ?? [],
          ...(spc ? { spc } : {}),
        });
      };
      try {
        await commitWith(await this.spcWrites(auth, ctx, result.after, seq, input.data));
      } catch (error) {
        // Another order's value moved a monitor of this report since it was read: read it again, write again.
        if (!(error instanceof SpcMonitorChangedError)) throw error;
        await commitWith(await this.spcWrites(auth, ctx, result.after, seq, input.data));
      }
      return toDetail(result.after);
    });
  }

  /**
   * A report's numeric recorded values as SPC samples of `data:{routingId}:{seq}:{name}`, judged
   * against each characteristic's frozen baseline (the states read in one BatchGetItem). In the
   * report's transaction: one Update per value (on its order's own hour item), and per
   * characteristic with a baseline its next state, conditioned on the version read, and any
   * `quality.spc-violation` event. Undefined when nothing numeric was recorded.
   */
  private async spcWrites(
    auth: AuthContext,
    ctx: commands.CommandContext,
    order: WorkOrderAggregate,
    seq: number,
    data: ReportOperation['data'],
  ): Promise<SpcWrites | undefined> {
    const op = order.operations.find((o) => o.seq === seq);
    if (!this.spc || !op || !data) return undefined;
    const samples = recordedSamples(order, op, data, ctx.now);
    if (samples.length === 0) return undefined;
    const states = await this.spc.states(auth.tenantId, [...new Set(samples.map((s) => s.characteristicId))]);
    return planSpcWrites(ctx, samples, states).writes;
  }

  /**
   * What a report backflushes: each lot-tracked BOM line of the operation marked `backflush`,
   * its quantity per unit times the good and scrap reported, from the lots staged at the
   * operation's work center (first expiring first, consumption.ts planBackflush), read again
   * strongly before they are taken. A line the staged lots cannot cover refuses the report.
   */
  private async backflushPlan(auth: AuthContext, ctx: commands.CommandContext, order: WorkOrderAggregate, op: Operation, input: ReportOperation) {
    const made = input.goodQty + input.scrapQty;
    const lines = (op.components ?? []).filter((c) => c.issue === 'backflush' && c.tracking === 'lot');
    const lots = this.lots;
    if (made <= 0 || lines.length === 0 || !lots) return undefined;
    const materials = [...new Set(lines.flatMap((c) => [c.materialId, ...c.substitutes]))];
    const staged = await lots.staged(auth.tenantId, materials, op.workCenterId);
    const fresh = new Map(
      (
        await lots.getMany(
          auth.tenantId,
          staged.map((l) => l.id),
        )
      ).map((l) => [l.id, l]),
    );
    const taken = new Set<string>();
    const records: NonNullable<commands.ReportTracking['backflush']> = [];
    const changes: LotChange[] = [];
    for (const line of lines) {
      const quantity = requiredQuantity(line, made);
      const candidates = [...fresh.values()].filter((l) => !taken.has(l.id));
      const plan = planBackflush(line, quantity, candidates, ctx.now);
      if (plan.short > 0) {
        throw new QuantityRuleError(
          `backflush of ${line.materialName ?? line.materialId} is ${plan.short} ${line.uom} short at ${op.workCenterId}: ${quantity} ${line.uom} are needed for ${made} made. Stage a lot of it there, or consume it by hand, then report again`,
        );
      }
      for (const take of plan.takes) {
        const lot = fresh.get(take.lotId) as LotAggregate;
        taken.add(lot.id);
        const result = consumeFromLot(ctx, lot, {
          materialIds: [line.materialId, ...line.substitutes],
          quantity: take.quantity,
          now: ctx.now,
          workOrderId: order.id,
          seq: op.seq,
          pointer: '/body',
        });
        const change = result.changes[0] as LotChange;
        changes.push(change);
        records.push({
          record: {
            materialId: lot.materialId,
            node: { kind: 'lot', id: lot.id },
            quantity: take.quantity,
            backflush: true,
            at: ctx.now,
            by: ctx.actor.userId,
          },
          data: {
            seq: op.seq,
            workCenterId: op.workCenterId,
            lotId: lot.id,
            consumedMaterialId: lot.materialId,
            consumedQty: take.quantity,
            uom: lot.uom,
            lotQuantityLeft: change.after.quantity,
            backflush: true,
            by: ctx.actor.userId,
          },
        });
      }
    }
    return { records, lots: changes };
  }

  /** The order's unit: its own since create; an order from before units were copied takes its material's. */
  private async unitOf(auth: AuthContext, order: WorkOrderAggregate) {
    if (order.uom !== undefined) return order.uom;
    return (await this.masterData.get(auth.tenantId, 'material', order.materialId))?.uom;
  }

  /**
   * What a report's good units make, when the operation is the order's last and its material is
   * lot- or serial-tracked: the material, the lot they go into (given, the order's current one, or
   * numbered) or their serial numbers (given or numbered), and the counters moved. `lotId` and
   * `serials` anywhere else are refused at their field.
   */
  private async outputPlan(
    auth: AuthContext,
    order: WorkOrderAggregate,
    seq: number,
    input: ReportOperation,
  ): Promise<{ plan: OutputPlan; counters: CounterAdvance[] } | undefined> {
    const given = input.lotId !== undefined ? 'lotId' : input.serials !== undefined ? 'serials' : undefined;
    const refuse = (detail: string) => {
      throw new ValidationError([{ pointer: `/body/${given}`, detail }]);
    };
    const last = isLastOperation(order, seq);
    if (!last) {
      if (given) refuse(`${given} names what the order's last operation makes; operation ${seq} is not its last`);
      return undefined;
    }
    // The order copied its material's tracking at create: an untracked one reads nothing more (orders from before read their material).
    const material = order.tracking === 'none' ? undefined : await this.masterData.get(auth.tenantId, 'material', order.materialId);
    const tracking = material?.tracking ?? 'none';
    if (!material || tracking === 'none') {
      if (given) refuse(`${order.materialName ?? order.materialId} is not lot- or serial-tracked: leave ${given} out`);
      return undefined;
    }
    if (tracking === 'lot' && input.serials !== undefined) refuse(`${material.name} is tracked by lot, not serial: give lotId, or nothing`);
    if (tracking === 'serial' && input.lotId !== undefined) refuse(`${material.name} is serialized: give serials, or nothing`);
    if (input.goodQty <= 0) {
      if (given) refuse(`${given} is for good units made, and this reports none`);
      return undefined;
    }
    const lots = this.lots;
    if (!lots) throw new Error('producing tracked material needs the lot repository: wire one');
    const now = this.clock.now();
    if (tracking === 'serial') {
      if (input.serials) return { plan: { material, serialIds: input.serials }, counters: [] };
      if (!Number.isInteger(input.goodQty) || input.goodQty > MAX_SERIALS_PER_REPORT) {
        throw new ValidationError([
          {
            pointer: '/body/goodQty',
            detail: `a serialized material is reported at most ${MAX_SERIALS_PER_REPORT} whole units at a time (${input.goodQty} given)`,
          },
        ]);
      }
      const numbered = await numberFor(lots, this.masterData, now, auth.tenantId, material, input.goodQty, 'serial');
      return { plan: { material, serialIds: numbered.ids }, counters: numbered.counters };
    }
    // Lot: the one named, else the order's current output lot while it can take more, else a new number.
    const current = order.output?.lots[order.output.lots.length - 1]?.id;
    const wanted = input.lotId ?? current;
    const lot = wanted ? await lots.get(auth.tenantId, wanted) : undefined;
    const usable = lot && (lot.status === 'available' || lot.status === 'on-hold');
    if (input.lotId !== undefined || (lot && usable)) return { plan: { material, lotId: wanted as string, lot }, counters: [] };
    const numbered = await numberFor(lots, this.masterData, now, auth.tenantId, material, 1, 'lot');
    return { plan: { material, lotId: numbered.ids[0] as string }, counters: numbered.counters };
  }

  /**
   * A lot (or a serialized unit) consumed at an operation: the order and the lot or serial in one
   * transaction, decided again when either changed meanwhile. When the order already made units
   * this consumption covers (it comes second), its genealogy edges into them go in too.
   */
  consumeMaterial(auth: AuthContext, id: string, seq: number, input: ConsumeMaterial, expectedVersion?: number) {
    const lots = this.lots;
    if (!lots) throw new Error('consuming material needs the lot repository: wire one');
    return runCommand(auth.tenantId, `work-order/${id}`, expectedVersion, async () => {
      const ctx = this.context(auth);
      const [order, lot, serial] = await Promise.all([
        this.load(auth, id, expectedVersion),
        input.lotId !== undefined ? lots.get(auth.tenantId, input.lotId) : undefined,
        input.serialId !== undefined ? this.orders.getSerial(auth.tenantId, input.serialId) : undefined,
      ]);
      // Another tenant's lot or serial, like one that does not exist, is not found: named at its field.
      if (input.lotId !== undefined && !lot)
        throw new UnknownReferenceError([{ pointer: '/body/lotId', detail: `lot ${input.lotId} does not exist` }]);
      if (input.serialId !== undefined && !serial) {
        throw new UnknownReferenceError([{ pointer: '/body/serialId', detail: `serial ${input.serialId} does not exist` }]);
      }
      const source: consume.ConsumedSource = lot ? { kind: 'lot', lot } : { kind: 'serial', serial: serial as SerialUnit };
      const result = consume.consumeMaterial(ctx, order, seq, input, source);
      const edges = await this.lateEdges(auth, ctx, order, seq, result.consumed);
      await this.orders.commitTracked(auth.tenantId, result.order, {
        ...(result.lot ? { lots: result.lot } : {}),
        ...(result.serial ? { serials: [result.serial] } : {}),
        edges,
      });
      return toDetail(result.order.after);
    });
  }

  /** The edges of a consumption into units the order made before it (produce.ts): none when it comes first. */
  private async lateEdges(auth: AuthContext, ctx: commands.CommandContext, order: WorkOrderAggregate, seq: number, consumed: consume.Consumed) {
    const op = order.operations.find((o) => o.seq === seq) as Operation;
    const units = unitsCovered(order, op, consumed.component, op.consumed ?? [], consumed.record.quantity);
    if (!units) return [];
    const count = units.toUnit - units.fromUnit;
    const serialOutput = (order.output?.serials ?? 0) > 0;
    if (serialOutput && count > MAX_LATE_LINKS) {
      const most = Math.round(MAX_LATE_LINKS * consumed.component.quantityPer * 1e6) / 1e6;
      throw new QuantityRuleError(
        `this would link ${consumed.record.node.kind} ${consumed.record.node.id} to ${count} serials made before it: consume at most ${most} ${consumed.component.uom} at a time after units are made (better: before)`,
      );
    }
    const serialIds = serialOutput ? await this.orders.serialsMade(auth.tenantId, order.id, units.fromUnit, units.toUnit) : [];
    return consumptionEdges(ctx, order, op, consumed.record.node, units.covered, consumed.component.uom, units, serialIds);
  }

  /**
   * A command that needs the order's unit: its own since create; an order from before units
   * were copied takes its material's (an unknown material or unit checks nothing).
   */
  private withUnit(
    auth: AuthContext,
    command: (ctx: commands.CommandContext, order: WorkOrderAggregate, uom: string | undefined) => CommandResult | Promise<CommandResult>,
  ): OrderCommand {
    return async (c, o) => command(c, o, await this.unitOf(auth, o));
  }

  reopenOperation = (auth: AuthContext, id: string, seq: number, reason: string, v?: number) =>
    this.act(auth, id, v, (c, o) => corrections.reopenOperation(c, o, seq, reason));

  /** Corrects a report: the order's audit trail says what the report (as corrected so far) says. */
  correctReport = (auth: AuthContext, id: string, input: CorrectReport, v?: number) =>
    this.actWithReason(
      auth,
      id,
      v,
      'scrap',
      input.scrapReasonCode,
      '/body/scrapReasonCode',
      this.withUnit(auth, async (c, o, uom) => corrections.correctReport(c, o, await this.fullHistory(auth, id), input, uom)),
    );

  private async fullHistory(auth: AuthContext, id: string) {
    const records: AuditRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.orders.history(auth.tenantId, id, { limit: 200, ...(cursor ? { cursor } : {}) });
      records.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return records;
  }

  list(auth: AuthContext, filter: { status?: WorkOrderStatus | undefined; workCenterId?: string | undefined }, page: PageRequest) {
    return this.orders.list(auth.tenantId, filter, page);
  }

  async history(auth: AuthContext, id: string, page: PageRequest) {
    const result = await this.orders.history(auth.tenantId, id, page);
    // Every order has at least its creation record: an empty first page means no such order.
    if (result.items.length === 0 && !page.cursor) throw new NotFoundError(`work order ${id}`);
    return result;
  }

  dispatchList(auth: AuthContext, workCenterId: string, page: PageRequest) {
    return this.orders.dispatchList(auth.tenantId, workCenterId, page);
  }
}

/** A refusal about the order's current state says who changed it last, when, and what it is now. */
function withChange<E extends StaleVersionError | IllegalTransitionError>(error: E, order: WorkOrderAggregate): E {
  const lastChange = describeLastChange(order);
  error.change = {
    changedBy: order.updatedBy,
    changedAt: order.updatedAt,
    currentStatus: order.status,
    currentVersion: order.version,
    ...(lastChange ? { lastChange } : {}),
  };
  return error;
}

/** The order's last change in words, read from the times it keeps ("paused operation 10 (Assemble)"); undefined when they do not tell. */
export function describeLastChange(order: WorkOrderDetail): string | undefined {
  const at = order.updatedAt;
  for (const op of order.operations) {
    const name = `operation ${op.seq} (${op.name})`;
    if (op.completedAt === at) return `completed ${name}`;
    if (op.pausedAt === at && op.status === 'PAUSED') return `paused ${name}`;
    if (op.startedAt === at) return `started ${name}`;
  }
  const orderTimes: [string | undefined, string][] = [
    [order.cancelledAt, 'cancelled the order'],
    [order.closedAt, 'closed the order'],
    [order.completedAt, 'completed the order'],
    [order.releasedAt, 'released the order'],
  ];
  const found = orderTimes.find(([when]) => when === at);
  if (found) return found[1];
  if (order.status === 'ON_HOLD') return 'put the order on hold';
  return undefined;
}

async function refusedWithChange<T>(order: WorkOrderAggregate, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof IllegalTransitionError) throw withChange(error, order);
    throw error;
  }
}

/** Readable, sortable ids for orders the ERP did not number: WO-20261125-7K3M9Q. */
export function newWorkOrderId(now: Date): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return `WO-${day}-${Array.from(bytes, (b) => alphabet[b % 32]).join('')}`;
}
