/**
 * "Report a problem": opens a nonconformance on what the screen shows (an order at an operation,
 * a lot, a serial), from the plant's defect reason list by name, with how many and what is wrong.
 * The API holds what it names in the same write; the new nonconformance's page opens.
 */
import type { ReportNonconformance } from '../../../shared/domain/quality/nonconformance-model.ts';
import { api } from '../api.ts';
import { navigate } from '../router.ts';
import { useReasonLists } from '../reason-lists.ts';
import { reasonPicker } from '../components/reason-picker.tsx';
import { parseMeasured, unitWords } from './words.ts';
import { ConfirmAction, type Field } from '../ui.tsx';

export interface ProblemTarget {
  workOrderId?: string | undefined;
  seq?: number | undefined;
  lotId?: string | undefined;
  serialId?: string | undefined;
  inspectionId?: string | undefined;
}

export function ReportProblem(props: {
  about: ProblemTarget;
  /** What it is about in words: "order WO-1, operation 10 (Assemble)". */
  what: string;
  quantity?: number | undefined;
  uom?: string | undefined;
  description?: string | undefined;
  defectCode?: string | undefined;
  label?: string | undefined;
  kind?: 'primary' | 'danger' | 'plain' | undefined;
}) {
  const { lists } = useReasonLists();
  const serial = props.about.serialId !== undefined;
  const defect = reasonPicker(lists, 'defect', { name: 'defectCode', label: 'Defect' });
  const fields: Field[] = [
    { ...defect, ...(props.defectCode && defect.options?.some((o) => o.value === props.defectCode) ? { initial: props.defectCode } : {}) },
    ...(serial
      ? []
      : [
          {
            name: 'quantity',
            label: 'How many are affected',
            type: 'number',
            required: true,
            unit: unitWords(props.uom) || undefined,
            ...(props.quantity !== undefined ? { initial: String(props.quantity) } : {}),
          } satisfies Field,
        ]),
    { name: 'description', label: 'What is wrong', type: 'text', required: true, ...(props.description ? { initial: props.description } : {}) },
  ];
  const label = props.label ?? 'Report a problem';
  return (
    <ConfirmAction
      label={label}
      title={`${label}: ${props.what}`}
      kind={props.kind ?? 'plain'}
      question="What it names goes on hold until quality decides what becomes of it."
      fields={fields}
      run={async (values) => {
        const defectCode = values.defectCode ?? '';
        if (!defectCode) throw new Error('Choose the defect from the list.');
        const quantity = serial ? 1 : parseMeasured(values.quantity ?? '');
        if (quantity === undefined || quantity <= 0) throw new Error('Enter how many are affected, a number above 0.');
        const description = (values.description ?? '').trim();
        if (!description) throw new Error('Say in a few words what is wrong.');
        const { workOrderId, seq, lotId, serialId, inspectionId } = props.about;
        const body: ReportNonconformance = {
          quantity,
          defectCode,
          description,
          ...(workOrderId !== undefined ? { workOrderId } : {}),
          ...(seq !== undefined ? { seq } : {}),
          ...(lotId !== undefined ? { lotId } : {}),
          ...(serialId !== undefined ? { serialId } : {}),
          ...(inspectionId !== undefined ? { inspectionId } : {}),
        };
        const nc = await api.call('reportNonconformance', { body, idempotencyKey: crypto.randomUUID() });
        navigate(`/nonconformances/${encodeURIComponent(nc.id)}`);
      }}
    />
  );
}
