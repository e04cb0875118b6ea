/**
 * Signing a lot's release (issue 16 section 2): releasing a held lot needs the plant's
 * 'lot.release' signatures (default: approval by quality); the signature that completes the
 * policy releases the lot in its own transaction. Only signatures given since the lot was last
 * put on hold count toward its release: a signature releases one hold, not the next. Pure.
 */
import { IllegalTransitionError } from '../errors.ts';
import type { Signature, SignaturePolicy, SignatureView } from '../signatures/model.ts';
import { policyStatus } from '../signatures/policy.ts';
import { signatureAppliedEvent, signatureAudit } from '../signatures/views.ts';
import { type LotAggregate, type LotChange, type LotCommandResult, type LotContext, releaseLot } from './lots.ts';
import type { MaterialLot } from './model.ts';

export const LOT_SIGNED_ACTION = 'lot.release' as const;

/**
 * What a release signature signs: the lot's identity, material and quantities, where it came
 * from. Not its status, hold reason, place, version or timestamps: releasing changes them and
 * must not invalidate the signature that released it.
 */
export const lotSignableContent = (lot: MaterialLot) => ({
  id: lot.id,
  materialId: lot.materialId,
  uom: lot.uom,
  quantity: lot.quantity,
  initialQuantity: lot.initialQuantity,
  origin: lot.origin,
  supplierId: lot.supplierId,
  supplierLot: lot.supplierLot,
  expiresAt: lot.expiresAt,
  workOrderId: lot.workOrderId,
  seq: lot.seq,
  externalRef: lot.externalRef,
});

/** The signatures that count toward this hold's release: valid, and given since the hold. */
export const ofThisHold = (views: readonly SignatureView[], heldSince: string | undefined) =>
  views.map((v) => (heldSince && v.signedAt < heldSince ? { ...v, valid: false, invalidReason: 'given for an earlier hold' } : v));

export function assertReleasable(lot: MaterialLot) {
  if (lot.status !== 'on-hold') throw new IllegalTransitionError(`lot ${lot.id} is not on hold: there is no release to sign`);
}

/** A signature's write: the release with it when it completes the policy, else the signature alone (no movement). */
export function signLot(
  ctx: LotContext,
  lot: LotAggregate,
  signature: Signature,
  views: readonly SignatureView[],
  policy: SignaturePolicy,
): LotCommandResult & { performed?: string } {
  assertReleasable(lot);
  const complete = policyStatus(policy, [...views, { ...signature, valid: true }]).complete;
  const performed = complete ? 'lot released' : undefined;
  const version = lot.version + 1;
  const base: LotChange = complete
    ? (releaseLot(ctx, lot, signature.comment).changes[0] as LotChange)
    : {
        before: lot,
        after: { ...lot, updatedAt: ctx.now, updatedBy: ctx.actor.userId, version },
        audit: { version, at: ctx.now, by: ctx.actor.userId, action: 'signed', target: 'lot', changes: [] },
        events: [],
      };
  const sequence = base.after.eventSeq + 1;
  const audit = signatureAudit(signature, base.audit.version, performed);
  const change: LotChange = {
    ...base,
    after: { ...base.after, eventSeq: sequence },
    audit: { ...audit, changes: [...audit.changes, ...base.audit.changes] },
    events: [...base.events, signatureAppliedEvent(signature, ctx.tenantId, ctx.newId(), sequence, { lotId: lot.id }, performed)],
    signatures: [signature],
  };
  return { changes: [change], edges: [], ...(performed ? { performed } : {}) };
}
