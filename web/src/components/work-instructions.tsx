/**
 * The controlled documents an operation was released with (issue 16): "Work instruction:
 * Assemble the pump (version 2, effective Dec 3)", each opening the document's readable page.
 * The page shows the version in force; it says so when that is not the one the order was released with.
 */
import type { WorkOrderDetail } from '../../../shared/api/schemas.ts';
import { fmtDate } from '../ui.tsx';

type Operation = WorkOrderDetail['operations'][number];

const KIND_WORDS: Record<string, string> = {
  'work-instruction': 'Work instruction',
  sop: 'Procedure',
  specification: 'Specification',
  form: 'Form',
};

export function WorkInstructions({ op }: { op: Operation }) {
  if (!op.documents?.length) return null;
  return (
    <ul class="work-instructions" aria-label="Work instructions">
      {op.documents.map((d) => (
        <li key={d.documentId}>
          <a
            class="btn work-instruction"
            href={`#/documents/${encodeURIComponent(d.documentId)}?released=${d.version}`}
            data-testid={`doc-${d.documentId}`}
          >
            {KIND_WORDS[d.kind] ?? 'Document'}: {d.title}{' '}
            <span class="doc-version">
              (version {d.version}, effective {fmtDate(d.effectiveFrom)})
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

export const kindWords = (kind: string) => KIND_WORDS[kind] ?? 'Document';
