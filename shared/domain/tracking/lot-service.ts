/**
 * Lot use cases (issue 14): read what a command needs, run the pure command (lots.ts), commit
 * its result in one transaction. Numbers lots that come without an id from the material's
 * pattern (numbering.ts) and a counter moved in the same transaction, so numbers are given
 * once and without gaps. Speaks only to the repository ports, never to DynamoDB.
 */
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../auth/claims.ts';
import { type Clock, systemClock } from '../clock.ts';
import {
  IdempotencyKeyReusedError,
  NotFoundError,
  StaleVersionError,
  UnitOfMeasureError,
  UnknownReferenceError,
  VersionConflictError,
} from '../errors.ts';
import { SignatureRequiredError } from '../signatures/errors.ts';
import type { PolicyStatus, SignatureView, SignRequest } from '../signatures/model.ts';
import { acceptSignature, policyFor, policyStatus } from '../signatures/policy.ts';
import type { SignatureService } from '../signatures/service.ts';
import { signatureViews } from '../signatures/views.ts';
import { assertReleasable, LOT_SIGNED_ACTION, lotSignableContent, ofThisHold, signLot } from './lot-signing.ts';
import type { Material } from '../master-data/model.ts';
import type { MasterDataRepository } from '../master-data/repository.ts';
import { assertActiveReason, reasonListOf } from '../master-data/reason-lists.ts';
import { sameUnit } from '../master-data/units.ts';
import { retryOnConflict, runCommand } from '../retry.ts';
import type { Page, PageRequest, Receipt } from '../work-order/repository.ts';
import type { CounterAdvance, LotRepository } from './lot-repository.ts';
import * as lots from './lots.ts';
import type { LotStatus, MaterialLot, Movement } from './model.ts';
import { DEFAULT_LOT_PATTERN, DEFAULT_SERIAL_PATTERN, formatNumber } from './numbering.ts';

export interface ReceiveLotInput {
  id?: string | undefined;
  materialId: string;
  quantity: number;
  /** The unit the quantity is counted in; must be the material's. */
  uom?: string | undefined;
  supplierId?: string | undefined;
  supplierLot?: string | undefined;
  expiresAt?: string | undefined;
  externalRef?: string | undefined;
  stagedAt?: string | undefined;
  comment?: string | undefined;
}
export type ReceiveField = 'materialId' | 'quantity' | 'uom' | 'stagedAt' | 'id';

export interface SplitLotInput {
  parts: { id?: string | undefined; quantity: number }[];
  comment?: string | undefined;
}
export interface MergeLotsInput {
  lotIds: string[];
  id?: string | undefined;
  comment?: string | undefined;
}
export interface ScrapLotInput {
  quantity?: number | undefined;
  reasonCode: string;
  comment?: string | undefined;
}

/** A receipt planned (ERP inbound): written later with the delivery's own receipt. */
export interface PlannedLot {
  result: lots.LotCommandResult;
  counters: CounterAdvance[];
  lot: MaterialLot;
}

const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
export const LOTS_IDEMPOTENCY_SCOPE = 'lots';

export const toLot = ({ eventSeq: _, ...lot }: lots.LotAggregate): MaterialLot => lot;

export class LotService {
  constructor(
    private readonly lots: LotRepository,
    private readonly masterData: MasterDataRepository,
    private readonly clock: Clock = systemClock,
  ) {}

  private context(auth: AuthContext): lots.LotContext {
    return {
      tenantId: auth.tenantId,
      actor: { userId: auth.userId, name: auth.name, roles: auth.roles },
      now: this.clock.now().toISOString(),
      newId: uuidv7,
    };
  }

  /** The lot, or undefined when the tenant has none of that id. */
  async find(auth: AuthContext, id: string): Promise<MaterialLot | undefined> {
    const lot = await this.lots.get(auth.tenantId, id);
    return lot ? toLot(lot) : undefined;
  }

  async get(auth: AuthContext, id: string): Promise<MaterialLot> {
    return toLot(await this.load(auth, id));
  }

  private async load(auth: AuthContext, id: string, expectedVersion?: number) {
    const lot = await this.lots.get(auth.tenantId, id);
    if (!lot) throw new NotFoundError(`lot ${id}`);
    if (expectedVersion !== undefined && lot.version !== expectedVersion) {
      const error = new StaleVersionError(`lot ${id} is at version ${lot.version}, not ${expectedVersion}; reload it and try again`);
      error.change = { changedBy: lot.updatedBy, changedAt: lot.updatedAt, currentStatus: lot.status, currentVersion: lot.version };
      throw error;
    }
    return lot;
  }

  list(
    auth: AuthContext,
    filter: { materialId?: string | undefined; status?: LotStatus | undefined },
    page: PageRequest,
  ): Promise<Page<MaterialLot>> {
    return this.lots.list(auth.tenantId, filter, page);
  }

  async movements(auth: AuthContext, id: string, page: PageRequest): Promise<Page<Movement>> {
    const result = await this.lots.movements(auth.tenantId, id, page);
    // Every lot has the movement that made it: an empty first page means no such lot.
    if (result.items.length === 0 && !page.cursor) throw new NotFoundError(`lot ${id}`);
    return result;
  }

  /** Receives (creates) a lot. With an Idempotency-Key, a retry returns the first result. */
  async receive(auth: AuthContext, input: ReceiveLotInput, idempotencyKey?: string): Promise<{ lot: MaterialLot; replayed: boolean }> {
    const requestHash = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
    return retryOnConflict(undefined, async () => {
      const planned = await this.planReceive(auth, input, (field) => `/body/${field}`);
      const receipt: Receipt | undefined = idempotencyKey
        ? { scope: LOTS_IDEMPOTENCY_SCOPE, key: idempotencyKey, requestHash, response: planned.lot, ttlSeconds: IDEMPOTENCY_TTL_SECONDS }
        : undefined;
      const { replay } = await this.lots.commit(auth.tenantId, planned.result, { counters: planned.counters, ...(receipt ? { receipt } : {}) });
      if (!replay) return { lot: planned.lot, replayed: false };
      if (replay.requestHash !== requestHash) {
        throw new IdempotencyKeyReusedError(`Idempotency-Key ${idempotencyKey} was first used with a different request`);
      }
      return { lot: replay.response as MaterialLot, replayed: true };
    });
  }

  /** What a receipt would write, every rule checked; nothing written (the ERP inbound commits it with its receipt). */
  async planReceive(auth: AuthContext, input: ReceiveLotInput, pointer: (field: ReceiveField) => string): Promise<PlannedLot> {
    const [material, stagedAt] = await Promise.all([
      this.masterData.get(auth.tenantId, 'material', input.materialId),
      input.stagedAt ? this.masterData.get(auth.tenantId, 'equipment', input.stagedAt) : undefined,
    ]);
    if (!material) throw new UnknownReferenceError([{ pointer: pointer('materialId'), detail: `material ${input.materialId} does not exist` }]);
    if (input.stagedAt && !stagedAt) {
      throw new UnknownReferenceError([{ pointer: pointer('stagedAt'), detail: `equipment ${input.stagedAt} does not exist` }]);
    }
    if (input.uom !== undefined && !sameUnit(material.uom, input.uom)) {
      throw new UnitOfMeasureError([{ pointer: pointer('uom'), detail: `material ${material.id} is counted in ${material.uom}, not ${input.uom}` }]);
    }
    const numbered = input.id ? { ids: [input.id], counters: [] } : await this.number(auth, material, 1);
    const result = lots.receiveLot(
      this.context(auth),
      {
        id: numbered.ids[0] as string,
        material,
        quantity: input.quantity,
        supplierId: input.supplierId,
        supplierLot: input.supplierLot,
        expiresAt: input.expiresAt,
        externalRef: input.externalRef,
        stagedAt: input.stagedAt,
        comment: input.comment,
      },
      (field) => pointer(field),
    );
    return { result, counters: numbered.counters, lot: toLot((result.changes[0] as lots.LotChange).after) };
  }

  /** Writes a planned receipt with another's receipt (the ERP delivery's); the earlier one comes back on a replay. */
  commitPlanned(auth: AuthContext, planned: PlannedLot, receipt: Receipt) {
    return this.lots.commit(auth.tenantId, planned.result, { counters: planned.counters, receipt });
  }

  /** Stages a lot at a work center (a backflush draws from it there), or takes it back (none). */
  async stage(auth: AuthContext, id: string, workCenterId: string | undefined, comment?: string, v?: number) {
    const center = workCenterId ? await this.masterData.get(auth.tenantId, 'equipment', workCenterId) : undefined;
    // The lot's own refusals (404, 409) first, then the place it is staged at.
    return this.act(auth, id, v, (ctx, lot) => {
      const result = lots.stageLot(ctx, lot, workCenterId, comment);
      if (workCenterId && !center)
        throw new UnknownReferenceError([{ pointer: '/body/workCenterId', detail: `equipment ${workCenterId} does not exist` }]);
      return result;
    });
  }

  hold = (auth: AuthContext, id: string, reason: string, v?: number) => this.act(auth, id, v, (ctx, lot) => lots.holdLot(ctx, lot, reason));
  /**
   * Releases a held lot, when the plant's 'lot.release' policy asks for no signature; with one
   * (the default: approval by quality) the release happens only by signing it (lot-signing.ts),
   * and this refuses (409 signature-required), naming what is missing.
   */
  async release(auth: AuthContext, id: string, comment?: string, v?: number) {
    const policy = policyFor(await this.masterData.get(auth.tenantId, 'settings', 'settings'), LOT_SIGNED_ACTION);
    return this.act(auth, id, v, (ctx, lot) => {
      const result = lots.releaseLot(ctx, lot, comment);
      if (policy.required.length > 0) {
        throw new SignatureRequiredError(
          `releasing lot ${id} needs the plant's signatures (${policy.required.map((r) => r.meaning).join(', ')}): sign it (POST /v1/lots/${id}/signatures) with your user id and password`,
          policy.required,
        );
      }
      return result;
    });
  }

  /** A lot's signatures, each checked against the lot as it is now, and what its release still needs. */
  async signatures(auth: AuthContext, id: string): Promise<{ signatures: SignatureView[]; required: PolicyStatus }> {
    const [lot, signatures, heldSince, settings] = await Promise.all([
      this.lots.get(auth.tenantId, id),
      this.lots.signatures(auth.tenantId, id),
      this.lots.heldSince(auth.tenantId, id),
      this.masterData.get(auth.tenantId, 'settings', 'settings'),
    ]);
    if (!lot) throw new NotFoundError(`lot ${id}`);
    const views = signatureViews(signatures, { type: 'lot', id, content: lotSignableContent(lot) });
    const policy = policyFor(settings, LOT_SIGNED_ACTION);
    return { signatures: views, required: policyStatus(policy, lot.status === 'on-hold' ? ofThisHold(views, heldSince) : []) };
  }

  /**
   * Signs a held lot's release: the policy's place for this signer first (nothing written when
   * it has none), then the credentials (a failed attempt is recorded), then the signature with
   * its audit record and event, and the release when it completes the policy, in ONE transaction
   * conditioned on the version signed (a change meanwhile: 409, sign again what it says now).
   */
  async sign(auth: AuthContext, id: string, request: SignRequest, signing: Pick<SignatureService, 'authenticate'>): Promise<SignatureView> {
    const [lot, signatures, heldSince, settings] = await Promise.all([
      this.lots.get(auth.tenantId, id),
      this.lots.signatures(auth.tenantId, id),
      this.lots.heldSince(auth.tenantId, id),
      this.masterData.get(auth.tenantId, 'settings', 'settings'),
    ]);
    if (!lot) throw new NotFoundError(`lot ${id}`);
    assertReleasable(lot);
    const policy = policyFor(settings, LOT_SIGNED_ACTION);
    const record = { type: 'lot' as const, id, content: lotSignableContent(lot) };
    const views = ofThisHold(signatureViews(signatures, record), heldSince);
    acceptSignature(policy, views, auth, request.meaning);
    const signature = await signing.authenticate(auth, request, record);
    const ctx = { ...this.context(auth), now: signature.signedAt };
    try {
      await this.lots.commit(auth.tenantId, signLot(ctx, lot, signature, views, policy));
    } catch (error) {
      if (error instanceof VersionConflictError)
        throw new StaleVersionError(`lot ${id} changed while you signed it; read it again and sign what it says now`);
      throw error;
    }
    return { ...signature, valid: true };
  }
  ship = (auth: AuthContext, id: string, input: lots.ShipLot, v?: number) => this.act(auth, id, v, (ctx, lot) => lots.shipLot(ctx, lot, input));

  /** Scraps a quantity (all that is left when none is given) with a code of the plant's scrap reason list. */
  async scrap(auth: AuthContext, id: string, input: ScrapLotInput, v?: number) {
    const reasons = reasonListOf('scrap', await this.masterData.get(auth.tenantId, 'reason-list', 'scrap'));
    return this.act(auth, id, v, (ctx, lot) => {
      const result = lots.scrapLot(ctx, lot, input);
      // The lot's state is said first (404, 409); then whether the reason is one of the plant's.
      assertActiveReason(reasons, input.reasonCode, '/body/reasonCode');
      return result;
    });
  }

  /** Splits parts off a lot into new lots; returns the lot as it is now and the new lots. */
  split(auth: AuthContext, id: string, input: SplitLotInput, v?: number): Promise<{ lot: MaterialLot; parts: MaterialLot[] }> {
    return runCommand(auth.tenantId, `lot/${id}`, v, async () => {
      const lot = await this.load(auth, id, v);
      const missing = input.parts.filter((p) => !p.id).length;
      // Numbers are taken after the rules said yes, and only when the parts need them ('#' is in
      // no lot id, so a stand-in never equals a given one).
      lots.splitLot(
        this.context(auth),
        lot,
        input.parts.map((p, i) => ({ id: p.id ?? `#${i}`, quantity: p.quantity })),
        input.comment,
      );
      const numbered = missing ? await this.number(auth, await this.materialOf(auth, lot), missing) : { ids: [], counters: [] };
      const ids = [...numbered.ids];
      const parts = input.parts.map((p) => ({ id: p.id ?? (ids.shift() as string), quantity: p.quantity }));
      const result = lots.splitLot(this.context(auth), lot, parts, input.comment);
      await this.lots.commit(auth.tenantId, result, { counters: numbered.counters });
      const [source, ...made] = result.changes.map((c) => toLot(c.after));
      return { lot: source as MaterialLot, parts: made };
    });
  }

  /** Merges lots of one material and status into a new lot (`id`, or numbered). */
  merge(auth: AuthContext, input: MergeLotsInput): Promise<MaterialLot> {
    return runCommand(auth.tenantId, `lot-merge/${[...input.lotIds].sort().join(',')}`, undefined, async () => {
      const found = await this.lots.getMany(auth.tenantId, input.lotIds);
      const missing = input.lotIds.filter((id) => !found.some((l) => l.id === id));
      if (missing.length) throw new NotFoundError(`lot ${missing.join(', ')}`);
      const sources = input.lotIds.map((id) => found.find((l) => l.id === id) as lots.LotAggregate);
      lots.mergeLots(this.context(auth), sources, input.id ?? '#merged', input.comment);
      const numbered = input.id
        ? { ids: [input.id], counters: [] }
        : await this.number(auth, await this.materialOf(auth, sources[0] as lots.LotAggregate), 1);
      const result = lots.mergeLots(this.context(auth), sources, numbered.ids[0] as string, input.comment);
      await this.lots.commit(auth.tenantId, result, { counters: numbered.counters });
      return toLot((result.changes[0] as lots.LotChange).after);
    });
  }

  /** Read, decide, write; read again and decide again when another write came first (retry.ts). */
  private act(
    auth: AuthContext,
    id: string,
    v: number | undefined,
    command: (ctx: lots.LotContext, lot: lots.LotAggregate) => lots.LotCommandResult,
  ) {
    return runCommand(auth.tenantId, `lot/${id}`, v, async () => {
      const lot = await this.load(auth, id, v);
      const result = command(this.context(auth), lot);
      await this.lots.commit(auth.tenantId, result);
      return toLot((result.changes[0] as lots.LotChange).after);
    });
  }

  private async materialOf(auth: AuthContext, lot: MaterialLot): Promise<Pick<Material, 'id' | 'lotNumberPattern' | 'serialNumberPattern'>> {
    return (await this.masterData.get(auth.tenantId, 'material', lot.materialId)) ?? { id: lot.materialId };
  }

  /**
   * `count` new lot (or serial) numbers of the material's pattern, on the plant's calendar date
   * (the shift calendar's time zone; UTC without one), and the counter's move that takes them:
   * write the move in the same transaction as what the numbers name (counterItem).
   */
  number(
    auth: AuthContext,
    material: Pick<Material, 'id' | 'lotNumberPattern' | 'serialNumberPattern'>,
    count: number,
    kind: 'lot' | 'serial' = 'lot',
  ) {
    return numberFor(this.lots, this.masterData, this.clock.now(), auth.tenantId, material, count, kind);
  }
}

/**
 * `count` new numbers of a material's lot or serial pattern, filled with the plant's date and the
 * counter that follows the last one given, and the counter's advance to write in the same
 * transaction (a concurrent command that took them fails there and decides again).
 */
export async function numberFor(
  lots: Pick<LotRepository, 'counter'>,
  masterData: MasterDataRepository,
  now: Date,
  tenantId: string,
  material: Pick<Material, 'id' | 'lotNumberPattern' | 'serialNumberPattern'>,
  count: number,
  kind: 'lot' | 'serial',
): Promise<{ ids: string[]; counters: CounterAdvance[] }> {
  const [last, calendar] = await Promise.all([
    lots.counter(tenantId, kind, material.id),
    masterData.get(tenantId, 'shift-calendar', 'shift-calendar'),
  ]);
  const date = plantDate(now, calendar?.timeZone ?? 'UTC');
  const pattern =
    (kind === 'lot' ? material.lotNumberPattern : material.serialNumberPattern) ?? (kind === 'lot' ? DEFAULT_LOT_PATTERN : DEFAULT_SERIAL_PATTERN);
  const ids = Array.from({ length: count }, (_, i) => formatNumber(pattern, { date, materialId: material.id, seq: last + i + 1 }));
  return { ids, counters: [{ kind, materialId: material.id, from: last, to: last + count }] };
}

/** YYYY-MM-DD of `now` in the plant's time zone. */
export function plantDate(now: Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}
