/**
 * Nonconformance use cases (issue 15): read what a command needs (the nonconformance, the
 * order, lot and serial it names, their hold registers, the plant's defect and scrap lists),
 * run the pure command (nonconformance.ts), commit its write in ONE transaction; read and
 * decide again when another write came first (retry.ts). Speaks only to repository ports.
 */
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../auth/claims.ts';
import { type Clock, systemClock } from '../clock.ts';
import { IdempotencyKeyReusedError, NotFoundError, StaleVersionError, UnknownReferenceError } from '../errors.ts';
import type { MasterDataRepository } from '../master-data/repository.ts';
import { assertActiveReason, reasonListOf } from '../master-data/reason-lists.ts';
import { retryOnConflict, runCommand } from '../retry.ts';
import { plantDate } from '../tracking/lot-service.ts';
import type { LotRepository } from '../tracking/lot-repository.ts';
import { formatNumber } from '../tracking/numbering.ts';
import type { SerialRepository } from '../tracking/serials.ts';
import type { Page, PageRequest, Receipt, WorkOrderRepository } from '../work-order/repository.ts';
import {
  actionOf,
  dispositionNonconformance,
  type HoldRegister,
  NC_NUMBER_PATTERN,
  type NcContext,
  type NonconformanceWrite,
  openNonconformance,
  registerKey,
} from './nonconformance.ts';
import type {
  DispositionInput,
  HeldKind,
  Nonconformance,
  NonconformanceAggregate,
  NonconformanceDetail,
  NonconformanceStatus,
  ReportNonconformance,
} from './nonconformance-model.ts';
import type { NonconformanceRepository } from './nonconformance-repository.ts';

const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
export const NONCONFORMANCES_IDEMPOTENCY_SCOPE = 'nonconformances';

export const toNonconformance = ({ eventSeq: _, ...nc }: NonconformanceAggregate): Nonconformance => nc;

export class NonconformanceService {
  constructor(
    private readonly ncs: NonconformanceRepository,
    private readonly orders: Pick<WorkOrderRepository, 'get' | 'getIdempotency'>,
    private readonly lots: Pick<LotRepository, 'get'>,
    private readonly serials: Pick<SerialRepository, 'get'>,
    private readonly masterData: MasterDataRepository,
    private readonly clock: Clock = systemClock,
  ) {}

  private context(auth: AuthContext): NcContext {
    return {
      tenantId: auth.tenantId,
      actor: { userId: auth.userId, name: auth.name, roles: auth.roles },
      now: this.clock.now().toISOString(),
      newId: uuidv7,
    };
  }

  async get(auth: AuthContext, id: string): Promise<NonconformanceDetail> {
    const [nc, history] = await Promise.all([this.ncs.get(auth.tenantId, id), this.ncs.history(auth.tenantId, id)]);
    if (!nc) throw new NotFoundError(`nonconformance ${id}`);
    return { ...toNonconformance(nc), history };
  }

  list(auth: AuthContext, status: NonconformanceStatus | undefined, page: PageRequest): Promise<Page<Nonconformance>> {
    return this.ncs.list(auth.tenantId, status, page);
  }

  /** Opens a nonconformance and holds what it names, in one transaction. With an Idempotency-Key, a retry returns the first result. */
  async report(auth: AuthContext, input: ReportNonconformance, idempotencyKey?: string): Promise<{ nc: Nonconformance; replayed: boolean }> {
    const requestHash = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
    const replayOf = (replay: { requestHash: string; response: unknown }) => {
      if (replay.requestHash !== requestHash) {
        throw new IdempotencyKeyReusedError(`Idempotency-Key ${idempotencyKey} was first used with a different request`);
      }
      return { nc: replay.response as Nonconformance, replayed: true };
    };
    // A retry answers what the first request did, even when the rules would now refuse it (the lot it held is gone since, say).
    const earlier = idempotencyKey ? await this.orders.getIdempotency(auth.tenantId, NONCONFORMANCES_IDEMPOTENCY_SCOPE, idempotencyKey) : undefined;
    if (earlier) return replayOf(earlier);
    return retryOnConflict(undefined, async () => {
      const write = await this.prepareReport(auth, input);
      const nc = toNonconformance(write.nc.after);
      const receipt: Receipt | undefined = idempotencyKey
        ? { scope: NONCONFORMANCES_IDEMPOTENCY_SCOPE, key: idempotencyKey, requestHash, response: nc, ttlSeconds: IDEMPOTENCY_TTL_SECONDS }
        : undefined;
      const { replay } = await this.ncs.commit(auth.tenantId, write, receipt);
      if (!replay) return { nc, replayed: false };
      return replayOf(replay);
    });
  }

  /**
   * THE SEAM for opening a nonconformance from inside another command's transaction (the SPC
   * helper's violation reactions): every rule checked and the number taken, nothing written.
   * Write the result with `nonconformanceWriteItems` (shared/db/nonconformance-repository.ts)
   * beside the command's own items, in ONE TransactWriteItems; the write moves the year's NC
   * counter and the holds' registers conditioned on what was read, so on a conflict call this
   * again (a VersionConflictError, as retryOnConflict does). The caller must not change in the
   * same transaction anything the nonconformance holds (an item is written once per
   * transaction): let the nonconformance hold the order or lot instead. `auth` is who opens it
   * (the person whose record broke the rule, or a system identity of the tenant).
   */
  async prepareReport(auth: AuthContext, input: ReportNonconformance): Promise<NonconformanceWrite> {
    const things: { kind: HeldKind; id: string }[] = [
      ...(input.workOrderId ? [{ kind: 'work-order' as const, id: input.workOrderId }] : []),
      ...(input.lotId ? [{ kind: 'lot' as const, id: input.lotId }] : []),
      ...(input.serialId ? [{ kind: 'serial' as const, id: input.serialId }] : []),
    ];
    const now = this.clock.now();
    const [defects, calendar, order, lot, serial, registers] = await Promise.all([
      this.masterData.get(auth.tenantId, 'reason-list', 'defect'),
      this.masterData.get(auth.tenantId, 'shift-calendar', 'shift-calendar'),
      input.workOrderId ? this.orders.get(auth.tenantId, input.workOrderId) : undefined,
      input.lotId ? this.lots.get(auth.tenantId, input.lotId) : undefined,
      input.serialId ? this.serials.get(auth.tenantId, input.serialId) : undefined,
      this.ncs.registers(auth.tenantId, things),
    ]);
    const missing = [
      ...(input.workOrderId && !order ? [{ pointer: '/body/workOrderId', detail: `work order ${input.workOrderId} does not exist` }] : []),
      ...(input.lotId && !lot ? [{ pointer: '/body/lotId', detail: `lot ${input.lotId} does not exist` }] : []),
      ...(input.serialId && !serial ? [{ pointer: '/body/serialId', detail: `serial ${input.serialId} does not exist` }] : []),
    ];
    if (missing.length) throw new UnknownReferenceError(missing);
    const list = reasonListOf('defect', defects);
    assertActiveReason(list, input.defectCode, '/body/defectCode');
    const defect = list.reasons.find((r) => r.code === input.defectCode) as { code: string; name: string };
    const date = plantDate(now, calendar?.timeZone ?? 'UTC');
    const year = date.slice(0, 4);
    const last = await this.ncs.counter(auth.tenantId, year);
    const id = formatNumber(NC_NUMBER_PATTERN, { date, materialId: '', seq: last + 1 });
    return openNonconformance(
      this.context(auth),
      { id, report: input, defect, counter: { year, from: last, to: last + 1 } },
      { order, lot, serial, registers: byKey(registers) },
    );
  }

  /** Decides, approves or rejects a disposition, with its effects and the holds lifted, in one transaction. */
  disposition(auth: AuthContext, id: string, input: DispositionInput, v?: number): Promise<Nonconformance> {
    return runCommand(auth.tenantId, `nonconformance/${id}`, v, async () => {
      const nc = await this.ncs.get(auth.tenantId, id);
      if (!nc) throw new NotFoundError(`nonconformance ${id}`);
      if (v !== undefined && nc.version !== v) {
        const error = new StaleVersionError(`nonconformance ${id} is at version ${nc.version}, not ${v}; reload it and try again`);
        error.change = { changedBy: nc.updatedBy, changedAt: nc.updatedAt, currentStatus: nc.status, currentVersion: nc.version };
        throw error;
      }
      const ctx = this.context(auth);
      // The nonconformance's state is said first (409, 403); then the references the request names (422).
      actionOf(nc, input, ctx.actor);
      const [order, lot, serial, registers, scrapList, workCenter] = await Promise.all([
        nc.workOrderId ? this.orders.get(auth.tenantId, nc.workOrderId) : undefined,
        nc.lotId ? this.lots.get(auth.tenantId, nc.lotId) : undefined,
        nc.serialId ? this.serials.get(auth.tenantId, nc.serialId) : undefined,
        this.ncs.registers(
          auth.tenantId,
          nc.holds.filter((h) => h.outcome === 'placed' || h.outcome === 'joined'),
        ),
        input.disposition === 'scrap' && input.scrapReasonCode ? this.masterData.get(auth.tenantId, 'reason-list', 'scrap') : undefined,
        input.disposition === 'rework' && input.workCenterId ? this.masterData.get(auth.tenantId, 'equipment', input.workCenterId) : undefined,
      ]);
      if (input.disposition === 'scrap' && input.scrapReasonCode) {
        assertActiveReason(reasonListOf('scrap', scrapList), input.scrapReasonCode, '/body/scrapReasonCode');
      }
      if (input.disposition === 'rework' && input.workCenterId && !workCenter) {
        throw new UnknownReferenceError([{ pointer: '/body/workCenterId', detail: `equipment ${input.workCenterId} does not exist` }]);
      }
      const write = dispositionNonconformance(ctx, nc, input, {
        order,
        lot,
        serial,
        registers: byKey(registers),
        scrapReasonCode: input.disposition === 'scrap' ? input.scrapReasonCode : undefined,
      });
      await this.ncs.commit(auth.tenantId, write);
      return toNonconformance(write.nc.after);
    });
  }
}

const byKey = (registers: readonly HoldRegister[]) => new Map(registers.map((r) => [registerKey(r.kind, r.id), r]));
