/**
 * What a record's owner needs around a signature: validity on read (11.70) and the audit record
 * and `signature.applied` event it writes with the signature, in its own transaction.
 */
import { contentHash } from '../audit/canonical.ts';
import type { AuditRecord, OutboxEvent } from '../work-order/model.ts';
import type { SignableType, Signature, SignatureView } from './model.ts';

/**
 * Each signature with `valid`: it names this record (type and id) and the record's current
 * signable content hashes to what was signed. The signable content excludes signatures,
 * version, audit head and release status, so signing does not invalidate earlier signatures.
 */
export function signatureViews(signatures: readonly Signature[], record: { type: SignableType; id: string; content: unknown }): SignatureView[] {
  const hash = contentHash(record.content);
  return signatures.map((s) => {
    if (s.recordType !== record.type || s.recordId !== record.id) {
      return { ...s, valid: false, invalidReason: `signed ${s.recordType} ${s.recordId}, not this record` };
    }
    if (s.contentHash !== hash) return { ...s, valid: false, invalidReason: 'the record changed after it was signed' };
    return { ...s, valid: true };
  });
}

/** The audit record of a signature (action `signed`), naming its meaning and signer. */
export function signatureAudit(signature: Signature, version: number, performed?: string): AuditRecord {
  return {
    version,
    at: signature.signedAt,
    by: signature.signerId,
    action: 'signed',
    target: `${signature.recordType} ${signature.recordId}`,
    reason: `${signature.meaningText} by ${signature.printedName}${performed ? `; ${performed}` : ''}`,
    ...(signature.comment ? { comment: signature.comment } : {}),
    changes: [
      {
        field: 'signature',
        from: null,
        to: { id: signature.id, meaning: signature.meaning, signerId: signature.signerId, contentHash: signature.contentHash },
      },
    ],
  };
}

/** The `signature.applied` event, for the signed record's outbox: `about` is its envelope field (`{ lotId }`, `{ workOrderId }`...). */
export function signatureAppliedEvent(
  signature: Signature,
  tenantId: string,
  id: string,
  sequence: number,
  about: Pick<OutboxEvent, 'workOrderId' | 'lotId' | 'nonconformanceId'> & { documentId?: string },
  performed?: string,
): OutboxEvent {
  return {
    id,
    type: 'signature.applied',
    schemaVersion: 1,
    occurredAt: signature.signedAt,
    tenantId,
    ...about,
    sequence,
    data: {
      signatureId: signature.id,
      recordType: signature.recordType,
      recordId: signature.recordId,
      meaning: signature.meaning,
      meaningText: signature.meaningText,
      signerId: signature.signerId,
      printedName: signature.printedName,
      signedAt: signature.signedAt,
      contentHash: signature.contentHash,
      ...(performed ? { performed } : {}),
    },
  };
}
