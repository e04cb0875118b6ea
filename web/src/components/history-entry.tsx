/**
 * One audit record (21 CFR 11.10(e)) in words: when, who, what ("Released", "Operation 10
 * started", "Reported 5 good, 1 scrap (DENT) on operation 10"), the reason or comment, and
 * every field change old → new. Nothing is left out: a long list folds, it is not cut.
 */
import type { ComponentChildren } from 'preact';
import { formatQuantity } from '../../../shared/domain/master-data/units.ts';
import type { AuditRecord, WorkOrderDetail } from '../../../shared/api/schemas.ts';
import { type ReasonLists, reasonName, useReasonLists } from '../reason-lists.ts';
import { fmtDateTime, personName, statusWords } from '../plant.ts';

type Change = AuditRecord['changes'][number];

const ORDER_ACTIONS: Record<string, string> = {
  'workOrder.create': 'Created',
  'workOrder.update': 'Changed',
  'workOrder.release': 'Released',
  'workOrder.hold': 'Put on hold',
  'workOrder.resume': 'Hold lifted',
  'workOrder.cancel': 'Cancelled',
  'workOrder.close': 'Closed',
  /** A nonconformance's disposition (issue 15): units scrapped, a rework operation added, its hold lifted. */
  'workOrder.nonconformance': 'Nonconformance dispositioned',
};

const OPERATION_ACTIONS: Record<string, string> = {
  'operation.start': 'started',
  'operation.pause': 'paused',
  'operation.resume': 'resumed',
  'operation.complete': 'completed',
  'operation.reopen': 'reopened',
};

const words = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const fmtQty = (n: number) => String(Math.round(n * 1e6) / 1e6);

/** The change of one operation field, if the record has it. */
const opField = (changes: readonly Change[], seq: string, field: string) => changes.find((c) => c.field === `operations/${seq}/${field}`);

/** "5 good, 1 scrap (Dent)" from the quantity changes of an operation; '' when none. */
export function reportedQuantities(
  changes: readonly Change[],
  seq: string,
  scrapName: (code: string) => string = (code) => code,
  uom?: string,
): string {
  const good = opField(changes, seq, 'goodQty');
  const scrap = opField(changes, seq, 'scrapQty');
  const goodDelta = good ? num(good.to) - num(good.from) : 0;
  const scrapDelta = scrap ? num(scrap.to) - num(scrap.from) : 0;
  const byReason = opField(changes, seq, 'scrapByReason');
  const reasons =
    byReason && isRecord(byReason.to)
      ? Object.keys(byReason.to).filter((k) => num((byReason.to as Record<string, unknown>)[k]) > num(isRecord(byReason.from) ? byReason.from[k] : 0))
      : [];
  const parts: string[] = [];
  const qty = (n: number) => (uom ? formatQuantity(n, uom) : fmtQty(n));
  if (goodDelta) parts.push(`${qty(goodDelta)} good`);
  if (scrapDelta) parts.push(`${qty(scrapDelta)} scrap${reasons.length ? ` (${reasons.map(scrapName).join(', ')})` : ''}`);
  return parts.join(', ');
}

/** The data values an operation recorded in this record: "Motor screw torque 4.1 Nm". */
function recordedValues(changes: readonly Change[], seq: string, order?: WorkOrderDetail): string[] {
  const data = opField(changes, seq, 'recordedData');
  if (!data || !isRecord(data.to)) return [];
  const after = data.to;
  const before = isRecord(data.from) ? data.from : {};
  const labels = order?.operations.find((o) => String(o.seq) === seq)?.dataToRecord;
  return Object.keys(after)
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => {
      const v = after[k];
      const value =
        isRecord(v) && 'value' in v
          ? `${fmtValue(v.value)}${v.unit ? ` ${String(v.unit)}` : ''}${v.outOfLimits === true ? ' (out of limits)' : ''}`
          : fmtValue(v);
      return `${labels?.find((d) => d.name === k)?.label ?? k} ${value}`;
    });
}

/** The action in words; the order (when known) gives the recorded data their labels. */
export function describeAction(record: AuditRecord, order?: WorkOrderDetail, reasons?: ReasonLists): string {
  const orderAction = ORDER_ACTIONS[record.action];
  if (orderAction) {
    if (record.action === 'workOrder.hold') {
      const kind = record.changes.find((c) => c.field === 'holdKind')?.to;
      return kind === 'quality' ? 'Put on quality hold' : 'Put on hold';
    }
    return orderAction;
  }
  const seq = /^operation\/(\d+)$/.exec(record.target)?.[1];
  if (seq && record.action.startsWith('operation.')) {
    const qty = reportedQuantities(record.changes, seq, (code) => reasonName(reasons, 'scrap', code), order?.uom);
    const data = recordedValues(record.changes, seq, order);
    const recorded = data.length ? `recorded ${data.join(', ')}` : '';
    if (record.action === 'operation.correct') return `Correction on operation ${seq}${data.length ? `; ${recorded}` : ''}`;
    if (record.action === 'operation.report') {
      if (qty) return `Reported ${qty} on operation ${seq}${recorded ? `; ${recorded}` : ''}`;
      return recorded ? `Operation ${seq}: ${recorded}` : `Operation ${seq}: report`;
    }
    const verb = OPERATION_ACTIONS[record.action] ?? words(record.action.split('.').pop() ?? record.action);
    const extra = [qty ? `reported ${qty}` : '', recorded].filter(Boolean).join('; ');
    return `Operation ${seq} ${verb}${extra ? `; ${extra}` : ''}`;
  }
  const [subject = '', verb = ''] = record.action.split('.');
  const text = `${words(subject)} ${words(verb)}`.trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `operations/10/goodQty` → "Op 10 good qty"; `status` → "Status". */
export function fieldLabel(field: string): string {
  const op = /^operations\/(\d+)\/(.+)$/.exec(field);
  const text = op ? `Op ${op[1]} ${words(op[2] ?? '')}` : words(field);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** One time format on the history screen: the app's date and time, in the plant's zone. */
export const fmtWhen = (iso: string) => fmtDateTime(iso);

/** A value as a person reads it: times formatted, recorded data as "5.2 Nm", maps as "DENT 1". */
export function fmtValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'string') return ISO.test(value) ? fmtWhen(value) : value.replace(/_/g, ' ');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length > 5 ? `${value.length} items` : value.map(fmtValue).join(', ');
  if (isRecord(value)) {
    if ('value' in value) {
      // A recorded data value: the time tells a re-recorded equal value from the earlier one.
      const at = typeof value.recordedAt === 'string' ? ` at ${fmtDateTime(value.recordedAt)}` : '';
      return `${fmtValue(value.value)}${value.unit ? ` ${String(value.unit)}` : ''}${value.outOfLimits === true ? ' (out of limits)' : ''}${at}`;
    }
    const entries = Object.entries(value);
    return entries.length ? entries.map(([k, v]) => `${k} ${fmtValue(v)}`).join(', ') : 'none';
  }
  return String(value);
}

/** A value in words for its field: a status as "In progress", a person by name, anything else as fmtValue says. */
function fmtFieldValue(field: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' && /(^|\/)status$|Status$|heldFrom$/.test(field)) return statusWords(value);
  if (typeof value === 'string' && /By$/.test(field)) return personName(value);
  return fmtValue(value);
}

function ChangeItem({ change }: { change: Change }) {
  const from = fmtFieldValue(change.field, change.from);
  const to = fmtFieldValue(change.field, change.to);
  return (
    <li>
      <span class="history-field">{fieldLabel(change.field)}:</span>{' '}
      {from === undefined ? (
        <>
          set to <strong>{to}</strong>
        </>
      ) : to === undefined ? (
        <>
          cleared (was <span class="history-old">{from}</span>)
        </>
      ) : (
        <>
          <span class="history-old">{from}</span> <span aria-hidden="true">→</span>
          <span class="visually-hidden">changed to</span> <strong>{to}</strong>
        </>
      )}
    </li>
  );
}

/** A change of a stored reason code, with the reason's name in place of the code ("Surface defect 1" for "SURF 1"). */
function namedReasons(change: Change, lists: ReasonLists | undefined): Change {
  const list = change.field === 'holdReason' ? 'hold' : change.field.endsWith('/pauseReason') ? 'pause' : undefined;
  const name = (v: unknown) => (typeof v === 'string' && list ? reasonName(lists, list, v) : v);
  if (list) return { ...change, from: name(change.from), to: name(change.to) };
  if (!change.field.endsWith('/scrapByReason')) return change;
  const names = (v: unknown) => (isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, n]) => [reasonName(lists, 'scrap', k), n])) : v);
  return { ...change, from: names(change.from), to: names(change.to) };
}

/** A pause's or hold's reason by its name and code; other reasons (a cancel's) are text. */
function reasonText(record: AuditRecord, lists: ReasonLists | undefined): string {
  const reason = record.reason ?? '';
  const list = record.action === 'workOrder.hold' ? 'hold' : record.action === 'operation.pause' ? 'pause' : undefined;
  const name = list ? reasonName(lists, list, reason) : reason;
  return name === reason ? reason : `${name} (${reason})`;
}

/** Lists up to this many changes open; more fold into a disclosure (a release copies every operation). */
const OPEN_CHANGES = 6;

export function HistoryEntry({
  record,
  order,
  personName,
  children,
}: {
  record: AuditRecord;
  order?: WorkOrderDetail | undefined;
  personName: (userId: string) => string;
  /** What a screen adds under the entry (corrections: what it corrects, or a Correct action). */
  children?: ComponentChildren;
}) {
  const { lists } = useReasonLists();
  const seq = /^operation\/(\d+)$/.exec(record.target)?.[1];
  const opName = seq ? order?.operations.find((o) => String(o.seq) === seq)?.name : undefined;
  const list = (
    <ul class="history-changes">
      {record.changes.map((c) => (
        <ChangeItem key={c.field} change={namedReasons(c, lists)} />
      ))}
    </ul>
  );
  return (
    <li class="history-entry" data-testid={`history-${record.version}`}>
      <p class="history-what">
        {describeAction(record, order, lists)}
        {opName ? <span class="history-op"> ({opName})</span> : null}
      </p>
      <p class="history-meta">
        <time dateTime={record.at}>{fmtWhen(record.at)}</time> · {personName(record.by)}
        {personName(record.by) !== record.by ? ` (${record.by})` : ''} · version {record.version}
      </p>
      {record.reason ? <p class="history-note">Reason: {reasonText(record, lists)}</p> : null}
      {record.comment ? <p class="history-note">Comment: {record.comment}</p> : null}
      {record.changes.length === 0 ? null : record.changes.length <= OPEN_CHANGES ? (
        list
      ) : (
        <details class="history-details">
          <summary>{record.changes.length} field changes</summary>
          {list}
        </details>
      )}
      {children}
    </li>
  );
}
