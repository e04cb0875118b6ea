/**
 * What each operation of an order requires, computed at release (issue 18; docs/qualifications.md):
 * the routing operation's own requirements, those of the work center or unit it runs at, and, for
 * each controlled document it works to, the training qualification that trains on that document,
 * for the version in force at release. Copied onto the order's operation, so starting it reads no
 * master data.
 */
import type { DocumentReference } from '../documents/model.ts';
import type { Equipment, Routing, StoredRecord } from '../master-data/model.ts';
import { mergeRequirements, type OperationRequirement } from './model.ts';

export function requirementsForRelease(
  routing: Routing,
  units: readonly Equipment[],
  definitions: readonly StoredRecord<'qualification'>[],
  documents: ReadonlyMap<number, DocumentReference[]>,
): Map<number, OperationRequirement[]> {
  const name = (id: string) => definitions.find((d) => d.id === id)?.name ?? id;
  const out = new Map<number, OperationRequirement[]>();
  for (const op of routing.operations) {
    const unit = units.find((u) => u.id === op.workCenterId);
    const required: OperationRequirement[] = [
      ...(op.requiredQualifications ?? []).map((r) => ({
        qualificationId: r.qualificationId,
        qualificationName: name(r.qualificationId),
        ...(r.minLevel !== undefined ? { minLevel: r.minLevel } : {}),
        source: 'operation',
      })),
      ...(unit?.requiredQualifications ?? []).map((r) => ({
        qualificationId: r.qualificationId,
        qualificationName: name(r.qualificationId),
        ...(r.minLevel !== undefined ? { minLevel: r.minLevel } : {}),
        source: `equipment ${unit?.id}`,
      })),
      ...(documents.get(op.seq) ?? []).flatMap((doc) =>
        definitions
          .filter((d) => d.kind === 'training' && d.documentId === doc.documentId)
          .map((d) => ({
            qualificationId: d.id,
            qualificationName: d.name,
            source: `document ${doc.documentId}`,
            documentId: doc.documentId,
            documentVersion: doc.version,
          })),
      ),
    ];
    const merged = mergeRequirements(required);
    if (merged.length) out.set(op.seq, merged);
  }
  return out;
}

/** Whether release must read units and definitions at all: any operation names requirements or documents, or any unit might. */
export const workCentersOf = (routing: Routing) => [...new Set(routing.operations.map((o) => o.workCenterId))];
