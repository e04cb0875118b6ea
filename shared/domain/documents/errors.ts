/** Refusals of the controlled-document rules (issue 16); the HTTP edge maps each to an RFC 9457 problem. */
import { MesError } from '../errors.ts';

/**
 * A release whose routing names a document with no version in force (none approved yet, or
 * the approved one not effective until later): 409 `document-not-effective`, naming each.
 */
export class DocumentNotEffectiveError extends MesError {
  override readonly name = 'DocumentNotEffectiveError';
  readonly status = 409;
  readonly type = 'urn:mes:problem:document-not-effective';
  readonly title = 'A work instruction is not in force';
  constructor(detail: string, documents: { documentId: string; operationSeq: number; reason: string }[]) {
    super(detail);
    this.members = { documents };
  }
}
