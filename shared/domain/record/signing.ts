/**
 * Signing an order's batch record (POST /v1/work-orders/{id}/signatures, issue 16): the signer
 * re-enters user id and password (i16-sign's SignatureService), the signature binds the hash of
 * the record's signable content, and the order writes it with its audit record (`signed`) and
 * `signature.applied` event in ONE transaction conditioned on the order's version. The last
 * signature the plant's policy 'work-order.release-record' requires releases the record in that
 * same transaction: `recordReleasedAt`, `recordHash` and a `work-order.record-released` event.
 * Only a COMPLETED or CLOSED order's record is signed; a released one takes no more signatures.
 */
import type { AuthContext } from '../../auth/claims.ts';
import { IllegalTransitionError, NotFoundError } from '../errors.ts';
import type { PolicyStatus, Signature, SignatureView, SignRequest } from '../signatures/model.ts';
import { acceptSignature, policyFor, policyStatus } from '../signatures/policy.ts';
import type { SignatureService } from '../signatures/service.ts';
import { signatureAppliedEvent, signatureAudit, signatureViews } from '../signatures/views.ts';
import { assertRecordOpen, summary } from '../work-order/commands.ts';
import type { CommandResult, OutboxEvent, WorkOrderAggregate } from '../work-order/model.ts';
import { RELEASE_RECORD_ACTION, signableContent } from './model.ts';
import type { OrderRecordItems, RecordReader, RecordService } from './service.ts';

export interface SignatureWriter {
  /** ONE TransactWriteItems: the order's header (on its version), audit record and events, and the signature item. */
  commitSignature(tenantId: string, result: CommandResult, signature: Signature): Promise<void>;
}

export interface RecordSignatures {
  signatures: SignatureView[];
  required: PolicyStatus;
}

const SIGNABLE_STATUSES = ['COMPLETED', 'CLOSED'];

export class RecordSigning {
  constructor(
    private readonly reader: Pick<RecordReader, 'orderItems' | 'plant'>,
    /** Builds the record without telemetry: its signable content leaves machine data and downtime out. */
    private readonly records: Pick<RecordService, 'build'>,
    private readonly signing: Pick<SignatureService, 'authenticate'>,
    private readonly writer: SignatureWriter,
    private readonly newId: () => string,
  ) {}

  async list(auth: AuthContext, id: string): Promise<RecordSignatures> {
    const items = await this.items(auth, id);
    const [record, { settings }] = await Promise.all([this.records.build(auth, items), this.reader.plant(auth.tenantId)]);
    const signatures = signatureViews(items.signatures, { type: 'work-order', id, content: signableContent(record) });
    return { signatures, required: policyStatus(policyFor(settings, RELEASE_RECORD_ACTION), signatures) };
  }

  async sign(auth: AuthContext, id: string, request: SignRequest): Promise<RecordSignatures> {
    const items = await this.items(auth, id);
    const { order } = items;
    assertRecordOpen(order, 'signing');
    if (!SIGNABLE_STATUSES.includes(order.status)) {
      throw new IllegalTransitionError(`work order ${id} is ${order.status}: only a completed or closed order's batch record is signed and released`);
    }
    const [record, { settings }] = await Promise.all([this.records.build(auth, items), this.reader.plant(auth.tenantId)]);
    const content = signableContent(record);
    const policy = policyFor(settings, RELEASE_RECORD_ACTION);
    const existing = signatureViews(items.signatures, { type: 'work-order', id, content });
    // Refused before the password is checked: a signature the policy has no place for is not an attempt.
    acceptSignature(policy, existing, auth, request.meaning);
    // The signature that would release the record waits for its nonconformances to close: a
    // disposition after release would change a released record (and void its signatures).
    const wouldRelease = policyStatus(policy, [...existing, { ...signatureProbe(auth, request.meaning), valid: true }]).complete;
    const open = record.nonconformances.filter((nc) => nc.status !== 'closed');
    if (wouldRelease && open.length) {
      throw new IllegalTransitionError(
        `the batch record of ${id} is not released while nonconformance${open.length > 1 ? 's' : ''} ${open.map((nc) => nc.id).join(', ')} ${open.length > 1 ? 'are' : 'is'} open: close ${open.length > 1 ? 'them' : 'it'} first`,
      );
    }
    const signature = await this.signing.authenticate(auth, request, { type: 'work-order', id, content });
    const signatures = [...existing, { ...signature, valid: true }];
    const required = policyStatus(policy, signatures);
    const released = required.complete;
    const version = order.version + 1;
    const performed = released ? 'batch record released' : undefined;
    const after: WorkOrderAggregate = {
      ...order,
      ...(released ? { recordReleasedAt: signature.signedAt, recordHash: signature.contentHash } : {}),
      updatedAt: signature.signedAt,
      updatedBy: auth.userId,
      version,
      eventSeq: order.eventSeq + (released ? 2 : 1),
    };
    const events: OutboxEvent[] = [signatureAppliedEvent(signature, auth.tenantId, this.newId(), order.eventSeq + 1, { workOrderId: id }, performed)];
    if (released) {
      events.push({
        id: this.newId(),
        type: 'work-order.record-released',
        schemaVersion: 1,
        occurredAt: signature.signedAt,
        tenantId: auth.tenantId,
        workOrderId: id,
        sequence: order.eventSeq + 2,
        data: {
          ...summary(order),
          recordReleasedAt: signature.signedAt,
          recordHash: signature.contentHash,
          signatures: signatures
            .filter((s) => s.valid)
            .map((s) => ({ signatureId: s.id, meaning: s.meaning, signerId: s.signerId, printedName: s.printedName })),
        },
      });
    }
    const audit = signatureAudit(signature, version, performed);
    if (released) {
      audit.changes.push(
        { field: 'recordReleasedAt', from: null, to: signature.signedAt },
        { field: 'recordHash', from: null, to: signature.contentHash },
      );
    }
    await this.writer.commitSignature(auth.tenantId, { before: order, after, changedOperations: [], audit, events }, signature);
    return { signatures, required };
  }

  private async items(auth: AuthContext, id: string): Promise<OrderRecordItems> {
    const items = await this.reader.orderItems(auth.tenantId, id);
    if (!items) throw new NotFoundError(`work order ${id}`);
    return items;
  }
}

/** The signature a request would make, for asking the policy what it would complete (ids and times are not looked at). */
function signatureProbe(auth: AuthContext, meaning: string): Signature {
  return {
    id: 'probe',
    recordType: 'work-order',
    recordId: '',
    contentHash: '',
    meaning,
    meaningText: meaning,
    signerId: auth.userId,
    printedName: auth.name,
    signedAt: '',
    method: 'password',
  };
}
