/**
 * Mistakes are corrected, never erased (21 CFR 11.10(e)): a correction of a report or completion
 * is a new audited record that names the original (`corrects`), and reopening a done operation
 * is one too. The original records stay as they were; totals, the dispatch list and the ERP
 * (production.corrected, operation.reopened) follow the new record.
 */
import { CorrectionRuleError, IllegalTransitionError, type FieldError } from '../errors.ts';
import {
  assertQuantitiesFit,
  type Change,
  finish,
  findOperation,
  flowSuccessor,
  goodQuantityLimit,
  replaceOp,
  round,
  summary,
  withTotals,
  type CommandContext,
} from './commands.ts';
import type { AuditRecord, CommandResult, CorrectReport, Operation, RecordedValue, WorkOrderAggregate } from './model.ts';
import { recordData } from './recorded-data.ts';
import { canCorrect, canReopen } from './status.ts';

/** Records a correction may name: what put quantities or data on an operation. */
export const CORRECTABLE_ACTIONS = ['operation.report', 'operation.complete'] as const;
const CORRECT_ACTION = 'operation.correct';

/** What one report said, as corrected so far: its quantities, scrap by reason and recorded values. */
export interface ReportValues {
  seq: number;
  goodQty: number;
  scrapQty: number;
  scrapByReason: Record<string, number>;
  data: Record<string, RecordedValue>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
/** The same recorded value (field by field: a stored map need not keep its key order). */
const sameRecorded = (a: unknown, b: unknown) =>
  isRecord(a) && isRecord(b) ? a.value === b.value && a.recordedAt === b.recordedAt && a.recordedBy === b.recordedBy : a === b;
const sameCounts = (a: Record<string, number>, b: Record<string, number>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/** Adds what one record changed on operation `seq` to `values`. */
function addRecord(values: ReportValues, record: AuditRecord) {
  const field = (name: string) => record.changes.find((c) => c.field === `operations/${values.seq}/${name}`);
  const good = field('goodQty');
  const scrap = field('scrapQty');
  if (good) values.goodQty = round(values.goodQty + num(good.to) - num(good.from));
  if (scrap) values.scrapQty = round(values.scrapQty + num(scrap.to) - num(scrap.from));
  const byReason = field('scrapByReason');
  if (byReason) {
    const to = isRecord(byReason.to) ? byReason.to : {};
    const from = isRecord(byReason.from) ? byReason.from : {};
    for (const code of new Set([...Object.keys(to), ...Object.keys(from)])) {
      const total = round((values.scrapByReason[code] ?? 0) + num(to[code]) - num(from[code]));
      if (total === 0) delete values.scrapByReason[code];
      else values.scrapByReason[code] = total;
    }
  }
  const data = field('recordedData');
  if (data && isRecord(data.to)) {
    const from = isRecord(data.from) ? data.from : {};
    for (const [name, value] of Object.entries(data.to)) {
      if (!sameRecorded(from[name], value)) values.data[name] = value as RecordedValue;
    }
  }
}

/**
 * What report `version` says now: the original record plus every correction of it, from the
 * order's audit trail. Refuses a version that is not a report or completion of this order.
 */
export function reportValues(orderId: string, history: readonly AuditRecord[], version: number): ReportValues {
  const original = history.find((r) => r.version === version);
  if (!original) throw new CorrectionRuleError([{ pointer: '/body/corrects', detail: `work order ${orderId} has no record ${version}` }]);
  const seq = /^operation\/(\d+)$/.exec(original.target)?.[1];
  if (!(CORRECTABLE_ACTIONS as readonly string[]).includes(original.action) || seq === undefined) {
    throw new CorrectionRuleError([
      {
        pointer: '/body/corrects',
        detail: `record ${version} of work order ${orderId} is ${original.action}, not a report or completion: only those can be corrected`,
      },
    ]);
  }
  const values: ReportValues = { seq: Number(seq), goodQty: 0, scrapQty: 0, scrapByReason: {}, data: {} };
  addRecord(values, original);
  for (const r of history) if (r.action === CORRECT_ACTION && r.corrects === version) addRecord(values, r);
  return values;
}

/**
 * The quantity rules a corrected operation must keep, in one place: no negative total, and no
 * operation with more good than it may pass on (its own limit, and its successor's, which is
 * this one's good plus the overrun tolerance). Returns every problem, empty when none.
 */
export function correctionQuantityErrors(next: WorkOrderAggregate, seq: number, uom: string | undefined = next.uom): FieldError[] {
  const errors: FieldError[] = [];
  const index = next.operations.findIndex((o) => o.seq === seq);
  const op = next.operations[index];
  if (!op) return errors;
  if (op.goodQty < 0)
    errors.push({ pointer: '/body/goodQty', detail: `operation ${seq} would have ${op.goodQty} good in total: a total cannot be negative` });
  if (op.scrapQty < 0 || Object.values(op.scrapByReason).some((q) => q < 0)) {
    errors.push({ pointer: '/body/scrapQty', detail: `operation ${seq} would have negative scrap in total (${op.scrapQty})` });
  }
  const limit = goodQuantityLimit(next, seq, uom);
  if (op.goodQty > limit) {
    errors.push({
      pointer: '/body/goodQty',
      detail: `operation ${seq} would have ${op.goodQty} good, more than the ${limit} it may pass on (what it was given plus ${next.overrunTolerancePct}% overrun tolerance)`,
    });
  }
  const successor = flowSuccessor(next, seq);
  if (successor && successor.goodQty > goodQuantityLimit(next, successor.seq, uom)) {
    errors.push({
      pointer: '/body/goodQty',
      detail: `operation ${successor.seq} has ${successor.goodQty} good already: operation ${seq} must keep at least enough good for that (${next.overrunTolerancePct}% overrun tolerance)`,
    });
  }
  return errors;
}

function assertOpen(order: WorkOrderAggregate, what: string) {
  if (!canCorrect(order)) {
    throw new IllegalTransitionError(`work order ${order.id} is ${order.status}: its record is final, ${what} is not possible`);
  }
}

/** Scrap by reason of the corrected report: all of it under one reason, as a report records it. */
function correctedScrap(input: CorrectReport, was: ReportValues, scrapQty: number): Record<string, number> {
  if (scrapQty === 0) return {};
  const codes = Object.keys(was.scrapByReason);
  if (input.scrapReasonCode) return { [input.scrapReasonCode]: scrapQty };
  if (scrapQty === was.scrapQty) return was.scrapByReason;
  if (codes.length === 1 && codes[0]) return { [codes[0]]: scrapQty };
  throw new CorrectionRuleError([{ pointer: '/body/scrapReasonCode', detail: 'scrapReasonCode is required when the corrected report has scrap' }]);
}

/**
 * Corrects report `input.corrects` (its values as `history` says them now) to what it should
 * have said. The operation's totals move by the difference; the order's totals follow.
 */
export function correctReport(
  ctx: CommandContext,
  order: WorkOrderAggregate,
  history: readonly AuditRecord[],
  input: CorrectReport,
  uom: string | undefined = order.uom,
): CommandResult {
  assertOpen(order, 'a correction');
  // What the report should have said is a quantity like any other: 1.5 pumps is not one.
  assertQuantitiesFit(input, uom);
  const was = reportValues(order.id, history, input.corrects);
  const op = findOperation(order, was.seq);
  const goodQty = input.goodQty ?? was.goodQty;
  const scrapQty = input.scrapQty ?? was.scrapQty;
  const scrap = correctedScrap(input, was, scrapQty);
  const errors: FieldError[] = [];
  // Only values that differ from what the report says now are corrected.
  const data = Object.fromEntries(Object.entries(input.data ?? {}).filter(([name, value]) => was.data[name]?.value !== value));
  for (const name of Object.keys(data)) {
    const original = was.data[name];
    const current = op.recordedData[name];
    if (!original) errors.push({ pointer: `/body/data/${name}`, detail: `record ${input.corrects} did not record ${name}` });
    else if (!sameRecorded(original, current)) {
      errors.push({
        pointer: `/body/data/${name}`,
        detail: `${name} was recorded again after record ${input.corrects} (${String(current?.value)} at ${current?.recordedAt}): correct the record that holds the current value`,
      });
    }
  }
  if (errors.length) throw new CorrectionRuleError(errors);
  const recorded = Object.keys(data).length ? recordData(op, data, ctx) : op.recordedData;

  const scrapByReason = { ...op.scrapByReason };
  for (const code of new Set([...Object.keys(scrap), ...Object.keys(was.scrapByReason)])) {
    const total = round((scrapByReason[code] ?? 0) + (scrap[code] ?? 0) - (was.scrapByReason[code] ?? 0));
    if (total === 0) delete scrapByReason[code];
    else scrapByReason[code] = total;
  }
  const goodDelta = round(goodQty - was.goodQty);
  const scrapDelta = round(scrapQty - was.scrapQty);
  const corrected: Operation = {
    ...op,
    goodQty: round(op.goodQty + goodDelta),
    scrapQty: round(op.scrapQty + scrapDelta),
    scrapByReason,
    recordedData: recorded,
  };
  const next = withTotals(order, replaceOp(order, corrected));
  const quantityErrors = correctionQuantityErrors(next, op.seq, uom);
  if (quantityErrors.length) throw new CorrectionRuleError(quantityErrors);
  const reasonsChanged = !sameCounts(scrapByReason, op.scrapByReason);
  if (goodDelta === 0 && scrapDelta === 0 && !reasonsChanged && recorded === op.recordedData) {
    throw new CorrectionRuleError([
      { pointer: '/body', detail: `the correction says what record ${input.corrects} says already: nothing to correct` },
    ]);
  }
  const scrapByReasonDelta: Record<string, number> = {};
  for (const code of new Set([...Object.keys(scrapByReason), ...Object.keys(op.scrapByReason)])) {
    const d = round((scrapByReason[code] ?? 0) - (op.scrapByReason[code] ?? 0));
    if (d !== 0) scrapByReasonDelta[code] = d;
  }
  const events: Change['events'] = [];
  // Recorded values are the plant's own record; the ERP books quantities, so only those go out.
  if (goodDelta !== 0 || scrapDelta !== 0 || reasonsChanged) {
    events.push({
      type: 'production.corrected',
      data: {
        ...summary(next),
        remainingQty: Math.max(0, round(next.quantity - next.producedQty)),
        seq: op.seq,
        workCenterId: op.workCenterId,
        corrects: input.corrects,
        recordVersion: order.version + 1,
        goodQtyDelta: goodDelta,
        scrapQtyDelta: scrapDelta,
        scrapByReasonDelta,
        goodQty,
        scrapQty,
        scrapByReason: scrap,
        operationGoodQty: corrected.goodQty,
        operationScrapQty: corrected.scrapQty,
        operationScrapByReason: corrected.scrapByReason,
        reason: input.reason,
        by: ctx.actor.userId,
      },
    });
  }
  return finish(ctx, order, next, { action: CORRECT_ACTION, target: `operation/${op.seq}`, reason: input.reason, corrects: input.corrects, events });
}

/**
 * Reopens a DONE operation (back to READY, onto its work center's dispatch list): the way out
 * of a completion that passed nothing on. Successors that have not started go back to PENDING
 * (up to the first that has started: that one keeps its state and what it made); a completed
 * order is in progress again.
 */
export function reopenOperation(ctx: CommandContext, order: WorkOrderAggregate, seq: number, reason: string): CommandResult {
  const op = findOperation(order, seq);
  if (!canReopen(order, op)) {
    throw new IllegalTransitionError(
      `cannot reopen operation ${seq} in status ${op.status} while work order ${order.id} is ${order.status}; only a DONE operation of an order in progress, on hold or completed`,
    );
  }
  // A start's qualification override was for that start: the next start passes the gate again.
  const { completedAt: _c, completedBy: _b, qualificationOverride: _q, ...rest } = op;
  const reopened: Operation = { ...rest, status: 'READY' };
  const index = order.operations.findIndex((o) => o.seq === seq);
  const pendingAgain: number[] = [];
  let operations = replaceOp(order, reopened);
  // Rework operations are side steps (nonconforming.ts): they keep their own state.
  for (const later of order.operations.slice(index + 1).filter((o) => !o.rework)) {
    const started = later.startedAt !== undefined || later.goodQty > 0 || later.scrapQty > 0 || !['PENDING', 'READY'].includes(later.status);
    if (started) break;
    if (later.status !== 'PENDING') pendingAgain.push(later.seq);
    operations = operations.map((o) => (o.seq === later.seq ? { ...o, status: 'PENDING' as const } : o));
  }
  const { completedAt: _oc, ...header } = order;
  const next: WorkOrderAggregate = {
    ...(order.status === 'COMPLETED' ? { ...header, status: 'IN_PROGRESS' as const } : order),
    operations,
  };
  return finish(ctx, order, next, {
    action: 'operation.reopen',
    target: `operation/${seq}`,
    reason,
    events: [
      {
        type: 'operation.reopened',
        data: { ...summary(next), seq, name: op.name, workCenterId: op.workCenterId, reason, pendingAgain, by: ctx.actor.userId },
      },
    ],
  });
}
