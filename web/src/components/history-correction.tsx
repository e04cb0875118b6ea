/**
 * Corrections on the order history: a supervisor or quality person corrects a report or
 * completion ("Correct" on its entry: what it should have said, and why); a correction shows
 * as its own entry naming the original ("Corrects the report of 14:02 by Ana"), and the
 * original stays, marked as corrected. The API keeps both (shared/domain/work-order/corrections.ts).
 */
import type { AuditRecord, WorkOrderDetail } from '../../../shared/api/schemas.ts';
import { PERMISSIONS, type Role } from '../../../shared/domain/roles.ts';
import { CORRECTABLE_ACTIONS, type ReportValues, reportValues } from '../../../shared/domain/work-order/corrections.ts';
import { canCorrect } from '../../../shared/domain/work-order/status.ts';
import { api } from '../api.ts';
import { ConfirmAction, type Field } from '../ui.tsx';
import { fmtWhen } from './history-entry.tsx';
import { parseDecimal, quantityField, readQuantity } from './order-report-fields.tsx';
import { useReasonLists } from '../reason-lists.ts';
import { reasonPicker } from './reason-picker.tsx';
import { outOfLimitWarnings, reportWarning } from './report-warnings.ts';

export const isCorrectable = (r: AuditRecord) => (CORRECTABLE_ACTIONS as readonly string[]).includes(r.action);
export const mayCorrect = (order: WorkOrderDetail | undefined, roles: readonly Role[]) =>
  !!order && canCorrect(order) && roles.some((r) => (PERMISSIONS.correctRecords as readonly Role[]).includes(r));

const kind = (r: AuditRecord) => (r.action === 'operation.complete' ? 'completion' : 'report');
const fmtQty = (n: number) => String(Math.round(n * 1e6) / 1e6);

/** "6 good, 2 scrap (DENT); Screw torque 4.1 Nm" */
export function sayValues(v: ReportValues, order: WorkOrderDetail | undefined): string {
  const reasons = Object.keys(v.scrapByReason);
  const qty = `${fmtQty(v.goodQty)} good, ${fmtQty(v.scrapQty)} scrap${reasons.length ? ` (${reasons.join(', ')})` : ''}`;
  const labels = order?.operations.find((o) => o.seq === v.seq)?.dataToRecord;
  const data = Object.entries(v.data).map(
    ([k, d]) => `${labels?.find((x) => x.name === k)?.label ?? k} ${String(d.value)}${d.unit ? ` ${d.unit}` : ''}`,
  );
  return [qty, ...data].join('; ');
}

/** Under a correction: which record it corrects. Under an original: the corrections it has. */
export function CorrectionNotes(props: { record: AuditRecord; records: readonly AuditRecord[]; personName: (id: string) => string }) {
  const { record, records, personName } = props;
  const who = (r: AuditRecord) => personName(r.by);
  if (record.corrects !== undefined) {
    const original = records.find((r) => r.version === record.corrects);
    return (
      <p class="history-corrects" data-testid={`corrects-${record.version}`}>
        {original
          ? `Corrects the ${kind(original)} of ${fmtWhen(original.at)} by ${who(original)} (version ${original.version})`
          : `Corrects version ${record.corrects}`}
      </p>
    );
  }
  const corrections = records.filter((r) => r.corrects === record.version);
  if (corrections.length === 0) return null;
  return (
    <p class="history-corrected" data-testid={`corrected-${record.version}`}>
      <span class="badge state-corrected">corrected</span>{' '}
      {corrections.map((c) => `at ${fmtWhen(c.at)} by ${who(c)} (version ${c.version})`).join('; ')}. This entry shows what was first recorded.
    </p>
  );
}

/** "Correct" on a report or completion entry. */
export function CorrectAction(props: {
  record: AuditRecord;
  records: readonly AuditRecord[];
  order: WorkOrderDetail;
  personName: (id: string) => string;
  after: () => void;
}) {
  const { record, records, order, personName, after } = props;
  const { lists } = useReasonLists();
  let now: ReportValues;
  try {
    now = reportValues(order.id, records, record.version);
  } catch {
    return null;
  }
  const op = order.operations.find((o) => o.seq === now.seq);
  if (!op) return null;
  const reason = Object.keys(now.scrapByReason)[0] ?? '';
  // A value recorded again since is corrected on the record that holds it now.
  const dataItems = op.dataToRecord.filter(
    (d) => now.data[d.name] !== undefined && now.data[d.name]?.recordedAt === op.recordedData[d.name]?.recordedAt,
  );
  const fields: Field[] = [
    { ...quantityField('goodQty', 'Good quantity', order.uom), initial: fmtQty(now.goodQty) },
    { ...quantityField('scrapQty', 'Scrap quantity', order.uom), initial: fmtQty(now.scrapQty) },
    { ...reasonPicker(lists, 'scrap', { name: 'scrapReasonCode', label: 'Scrap reason', required: false }), initial: reason },
    ...dataItems.map((d) => ({
      name: `data.${d.name}`,
      label: `${d.label ?? d.name}${d.unit ? ` (${d.unit})` : ''}`,
      ...(d.type === 'boolean'
        ? {
            type: 'select' as const,
            options: [
              { value: 'true', label: 'Yes' },
              { value: 'false', label: 'No' },
            ],
          }
        : { type: d.type === 'number' ? ('number' as const) : ('text' as const) }),
      initial: String(now.data[d.name]?.value ?? ''),
    })),
    { name: 'reason', label: 'Reason for the correction', type: 'text', required: true },
  ];
  const read = (v: Record<string, string>) => {
    const goodQty = readQuantity(v.goodQty, 'Good quantity', order.uom);
    const scrapQty = readQuantity(v.scrapQty, 'Scrap quantity', order.uom);
    const code = (v.scrapReasonCode ?? '').trim();
    if (scrapQty > 0 && !code) throw new Error('Choose a scrap reason: scrapped pieces need one.');
    const data: Record<string, number | string | boolean> = {};
    for (const d of dataItems) {
      const text = (v[`data.${d.name}`] ?? '').trim();
      const was = now.data[d.name]?.value;
      if (text === String(was ?? '')) continue;
      if (d.type === 'number') {
        const n = parseDecimal(text, true);
        if (n === undefined) throw new Error(`${d.label ?? d.name} must be a number, such as 4.2 (you typed "${text}").`);
        data[d.name] = n;
      } else if (d.type === 'boolean') data[d.name] = text === 'true';
      else data[d.name] = text;
    }
    return {
      ...(goodQty !== now.goodQty ? { goodQty } : {}),
      ...(scrapQty !== now.scrapQty ? { scrapQty } : {}),
      ...(code && code !== reason ? { scrapReasonCode: code } : {}),
      ...(Object.keys(data).length ? { data } : {}),
    };
  };
  return (
    <ConfirmAction
      label="Correct"
      kind="plain"
      title={`Correct the ${kind(record)} of ${fmtWhen(record.at)}`}
      question={`Operation ${op.seq} (${op.name}), by ${personName(record.by)}. It says now: ${sayValues(now, order)}. Enter what it should have said; the ${kind(record)} stays in the history, marked as corrected.`}
      fields={fields}
      warn={(v) => {
        try {
          const change = read(v);
          return reportWarning([], outOfLimitWarnings(op, change.data));
        } catch {
          return undefined;
        }
      }}
      run={async (v) => {
        const change = read(v);
        if (Object.keys(change).length === 0)
          throw new Error('Nothing differs from what it says now: change a quantity, the scrap reason or a value.');
        await api.call('correctReport', {
          params: { id: order.id },
          body: { corrects: record.version, ...change, reason: (v.reason ?? '').trim() },
          ifMatch: order.version,
        });
      }}
      after={after}
    />
  );
}
