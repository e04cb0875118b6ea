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
import { IdempotencyKeyReusedError, NotFoundError, StaleVersionError, UnknownReferenceError, VersionConflictError } from '../errors.ts';
import { SignatureRequiredError } from '../signatures/errors.ts';
import type { PolicyStatus, SignatureView, SignRequest } from '../signatures/model.ts';
import { acceptSignature, policyFor, policyStatus } from '../signatures/policy.ts';
import type { SignatureService } from '../signatures/service.ts';
import { signatureViews } from '../signatures/views.ts';
import { assertSignable, NC_SIGNED_ACTION, ncSignableContent, signNonconformance } from './nonconformance-signing.ts';
import type { MasterDataRepository } from '../master-data/repository.ts';
import { assertActiveReason, reasonListOf } from '../master-data/reason-lists.ts';
import { retryOnConflict, runCommand } from '../retry.ts';
import { plantDate } from '../tracking/lot-service.ts';
import type { LotRepository } from '../tracking/lot-repository.ts';
import { formatNumber } from '../tracking/numbering.ts';
import type { SerialRepository } from '../tracking/serials.ts';
import type { WorkOrderAggregate } from '../work-order/model.ts';
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
   * (the person whose record broke the rule, or a system identity of the tenant). `named.order`
   * is the order as the caller's own change leaves it (an inspection just recorded on it): the
   * nonconformance's hold is then that order's next change (its `before`), which the caller
   * writes after its own as one order write (resultChainItems), not read here.
   */
  async prepareReport(auth: AuthContext, input: ReportNonconformance, named: { order?: WorkOrderAggregate } = {}): Promise<NonconformanceWrite> {
    const things: { kind: HeldKind; id: string }[] = [
      ...(input.workOrderId ? [{ kind: 'work-order' as const, id: input.workOrderId }] : []),
      ...(input.lotId ? [{ kind: 'lot' as const, id: input.lotId }] : []),
      ...(input.serialId ? [{ kind: 'serial' as const, id: input.serialId }] : []),
    ];
    const now = this.clock.now();
    const [defects, calendar, order, lot, serial, registers] = await Promise.all([
      this.masterData.get(auth.tenantId, 'reason-list', 'defect'),
      this.masterData.get(auth.tenantId, 'shift-calendar', 'shift-calendar'),
      input.workOrderId ? (named.order?.id === input.workOrderId ? named.order : this.orders.get(auth.tenantId, input.workOrderId)) : undefined,
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

  /** What an approval reads of the things the nonconformance names (for its signing, which approves). */
  async dispositionState(auth: AuthContext, nc: NonconformanceAggregate) {
    const [order, lot, serial, registers] = await Promise.all([
      nc.workOrderId ? this.orders.get(auth.tenantId, nc.workOrderId) : undefined,
      nc.lotId ? this.lots.get(auth.tenantId, nc.lotId) : undefined,
      nc.serialId ? this.serials.get(auth.tenantId, nc.serialId) : undefined,
      this.ncs.registers(
        auth.tenantId,
        nc.holds.filter((h) => h.outcome === 'placed' || h.outcome === 'joined'),
      ),
    ]);
    return { order, lot, serial, registers: byKey(registers) };
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
      if (actionOf(nc, input, ctx.actor) === 'approve') {
        // Approving use as is is an electronic signature of the second person (issue 16): it does not happen without one.
        const settings = await this.masterData.get(auth.tenantId, 'settings', 'settings');
        throw new SignatureRequiredError(
          `approving use as is for nonconformance ${id} needs your electronic signature: sign it (POST /v1/nonconformances/${id}/signatures) with your user id, password and the meaning approval`,
          policyFor(settings, NC_SIGNED_ACTION).required,
        );
      }
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

export interface SignaturesOf {
  signatures: SignatureView[];
  required: PolicyStatus;
}

/** Signatures of use-as-is dispositions (issue 16): signing approves when it completes the plant's policy. */
export class NonconformanceSigning {
  constructor(
    private readonly service: NonconformanceService,
    private readonly ncs: NonconformanceRepository,
    private readonly masterData: MasterDataRepository,
    private readonly signing: Pick<SignatureService, 'authenticate'>,
  ) {}

  async signatures(auth: AuthContext, id: string): Promise<SignaturesOf> {
    const [nc, signatures, settings] = await Promise.all([
      this.ncs.get(auth.tenantId, id),
      this.ncs.signatures(auth.tenantId, id),
      this.masterData.get(auth.tenantId, 'settings', 'settings'),
    ]);
    if (!nc) throw new NotFoundError(`nonconformance ${id}`);
    const views = signatureViews(signatures, { type: 'nonconformance', id, content: ncSignableContent(nc) });
    return { signatures: views, required: policyStatus(policyFor(settings, NC_SIGNED_ACTION), views) };
  }

  /**
   * Checks the policy has a place for this signer (nothing is written when it has not), then the
   * credentials (a failed attempt is recorded), then writes the signature with its audit record
   * and event, and the approval when the policy is complete, in ONE transaction conditioned on
   * the version signed. A change meanwhile refuses the signature (409): sign what you saw.
   */
  async sign(auth: AuthContext, id: string, request: SignRequest): Promise<SignatureView> {
    const [nc, signatures, settings] = await Promise.all([
      this.ncs.get(auth.tenantId, id),
      this.ncs.signatures(auth.tenantId, id),
      this.masterData.get(auth.tenantId, 'settings', 'settings'),
    ]);
    if (!nc) throw new NotFoundError(`nonconformance ${id}`);
    assertSignable(nc);
    const policy = policyFor(settings, NC_SIGNED_ACTION);
    const record = { type: 'nonconformance' as const, id, content: ncSignableContent(nc) };
    const views = signatureViews(signatures, record);
    acceptSignature(policy, views, auth, request.meaning, nc.disposition ? [nc.disposition.decidedBy] : []);
    const signature = await this.signing.authenticate(auth, request, record);
    return runCommand(auth.tenantId, `nonconformance/${id}`, nc.version, async () => {
      const state = await this.service.dispositionState(auth, nc);
      const ctx: NcContext = {
        tenantId: auth.tenantId,
        actor: { userId: auth.userId, name: auth.name, roles: auth.roles },
        now: signature.signedAt,
        newId: uuidv7,
      };
      const { write } = signNonconformance(ctx, nc, signature, views, policy, state);
      await this.ncs.commit(auth.tenantId, write);
      return { ...signature, valid: true };
    }).catch((error) => {
      if (error instanceof VersionConflictError) {
        const stale = new StaleVersionError(`nonconformance ${id} changed while you signed it; read it again and sign what it says now`);
        throw stale;
      }
      throw error;
    });
  }
}

const byKey = (registers: readonly HoldRegister[]) => new Map(registers.map((r) => [registerKey(r.kind, r.id), r]));
