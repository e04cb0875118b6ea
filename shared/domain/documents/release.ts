/**
 * What a work order's release copies of the controlled documents its routing names (issue 16,
 * docs/documents.md "Release"): the version of each in force at the release, read with one
 * BatchGetItem of the documents' heads. Apart from the document service, so the orders function
 * does not load the signing code.
 */
import type { Routing } from '../master-data/model.ts';
import { DocumentNotEffectiveError } from './errors.ts';
import { type DocumentReference, effectiveAt } from './model.ts';
import type { DocumentRepository } from './repository.ts';

export class EffectiveDocuments {
  constructor(private readonly documents: Pick<DocumentRepository, 'heads'>) {}

  /**
   * The version in force at `at` of each document the routing's operations name, by operation.
   * Refuses (409 document-not-effective) when any has none: a regulated plant does not start
   * work to an instruction nobody approved.
   */
  async forRouting(tenantId: string, routing: Routing, at: string): Promise<Map<number, DocumentReference[]>> {
    const named = routing.operations.flatMap((o) => (o.documentIds ?? []).map((documentId) => ({ seq: o.seq, documentId })));
    if (named.length === 0) return new Map();
    const heads = new Map(
      (
        await this.documents.heads(
          tenantId,
          named.map((n) => n.documentId),
        )
      ).map((d) => [d.id, d]),
    );
    const bySeq = new Map<number, DocumentReference[]>();
    const problems: { documentId: string; operationSeq: number; reason: string }[] = [];
    for (const { seq, documentId } of named) {
      const doc = heads.get(documentId);
      const effective = doc ? effectiveAt(doc.approved, at) : undefined;
      if (!doc || !effective) {
        const next = doc?.approved.at(-1);
        problems.push({
          documentId,
          operationSeq: seq,
          reason: !doc
            ? 'does not exist'
            : next
              ? `has no version in force yet (version ${next.version} takes effect ${next.effectiveFrom})`
              : 'has no approved version',
        });
        continue;
      }
      bySeq.set(seq, [
        ...(bySeq.get(seq) ?? []),
        {
          documentId,
          version: effective.version,
          title: effective.title,
          kind: doc.kind,
          contentHash: effective.contentHash,
          effectiveFrom: effective.effectiveFrom,
        },
      ]);
    }
    if (problems.length) {
      throw new DocumentNotEffectiveError(
        `routing ${routing.id} names ${problems.map((p) => `document ${p.documentId} at operation ${p.operationSeq}, which ${p.reason}`).join('; ')}: approve a version before releasing`,
        problems,
      );
    }
    return bySeq;
  }
}
