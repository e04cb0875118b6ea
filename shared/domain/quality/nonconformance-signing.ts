/**
 * Signing a use-as-is disposition (issue 16 section 2): the approval by a second person is an
 * electronic signature under the plant's 'nonconformance.use-as-is' policy. A signature that
 * completes the policy approves (closes the nonconformance, lifting its holds) in the same
 * write; one that does not is recorded alone. Pure: the service reads, authenticates and commits.
 */
import { IllegalTransitionError } from '../errors.ts';
import type { Signature, SignaturePolicy, SignatureView } from '../signatures/model.ts';
import { policyStatus } from '../signatures/policy.ts';
import { signatureAppliedEvent, signatureAudit } from '../signatures/views.ts';
import { type DispositionState, dispositionNonconformance, finishNc, type NcContext, type NonconformanceWrite } from './nonconformance.ts';
import type { Nonconformance, NonconformanceAggregate } from './nonconformance-model.ts';

export const NC_SIGNED_ACTION = 'nonconformance.use-as-is' as const;

/**
 * What a use-as-is signature signs: what was found (the defect, how many, where) and what was
 * decided, by whom and when. Not the status, holds, approval, version or timestamps of the
 * nonconformance itself: they change by signing, and must not invalidate earlier signatures.
 */
export function ncSignableContent(nc: Nonconformance) {
  const d = nc.disposition;
  return {
    id: nc.id,
    defectCode: nc.defectCode,
    description: nc.description,
    quantity: nc.quantity,
    uom: nc.uom,
    workOrderId: nc.workOrderId,
    seq: nc.seq,
    lotId: nc.lotId,
    serialId: nc.serialId,
    materialId: nc.materialId,
    inspectionId: nc.inspectionId,
    reportedAt: nc.reportedAt,
    reportedBy: nc.reportedBy,
    decision: d && {
      disposition: d.disposition,
      decidedAt: d.decidedAt,
      decidedBy: d.decidedBy,
      comment: d.comment,
      scrapReasonCode: d.scrapReasonCode,
      rework: d.rework,
    },
  };
}

/** Only a use-as-is decision awaiting its second person is signed. */
export function assertSignable(nc: Nonconformance) {
  if (nc.status !== 'awaiting-approval') {
    throw new IllegalTransitionError(
      `nonconformance ${nc.id} is ${nc.status}: only a use-as-is decision awaiting a second person's approval is signed`,
    );
  }
}

/**
 * The write of a signature: with the approval when it completes the policy (`performed`), else
 * alone. Either way ONE audit record (action `signed`, naming the meaning and signer) and the
 * `signature.applied` event beside the approval's own events.
 */
export function signNonconformance(
  ctx: NcContext,
  nc: NonconformanceAggregate,
  signature: Signature,
  views: readonly SignatureView[],
  policy: SignaturePolicy,
  state: DispositionState,
): { write: NonconformanceWrite; performed?: string } {
  assertSignable(nc);
  const complete = policyStatus(policy, [...views, { ...signature, valid: true }]).complete;
  const performed = complete ? 'use as is approved' : undefined;
  const base: NonconformanceWrite = complete
    ? dispositionNonconformance(ctx, nc, { approve: true, ...(signature.comment ? { comment: signature.comment } : {}) }, state)
    : { nc: finishNc(ctx, nc, nc, { action: 'signed', events: [] }), lots: [], serials: [], registers: [] };
  const change = base.nc;
  const sequence = change.after.eventSeq + 1;
  const audit = signatureAudit(signature, change.audit.version, performed);
  return {
    write: {
      ...base,
      nc: {
        ...change,
        after: { ...change.after, eventSeq: sequence },
        audit: { ...audit, changes: [...audit.changes, ...change.audit.changes] },
        events: [...change.events, signatureAppliedEvent(signature, ctx.tenantId, ctx.newId(), sequence, { nonconformanceId: nc.id }, performed)],
      },
      signatures: [signature],
    },
    ...(performed ? { performed } : {}),
  };
}
