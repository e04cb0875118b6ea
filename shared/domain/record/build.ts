/**
 * Builds an order's batch record from what the MES stored (pure: the service reads, this
 * shapes). Sections first, then the content hash, the signatures' validity against it, the
 * policy's state, and last the exceptions that point into all of them.
 */
import type { AuditRecord, WorkOrderAggregate } from '../work-order/model.ts';
import type { InspectionRecord } from '../quality/inspections.ts';
import type { Nonconformance } from '../quality/nonconformance-model.ts';
import type { OperationMachineData } from '../tracking/serial-record.ts';
import { exceptionsOf } from './exceptions.ts';
import {
  type BatchRecord,
  type RecordCorrection,
  type RecordDowntime,
  type RecordHold,
  type RecordMaterial,
  type RecordOperation,
  type RecordReport,
  type RecordSignature,
  signableContent,
} from './model.ts';
import { contentHash as hashOf } from '../audit/canonical.ts';
import type { Signature, SignaturePolicy } from '../signatures/model.ts';
import { policyStatus } from '../signatures/policy.ts';
import { signatureViews } from '../signatures/views.ts';

/** What a lot or serial consumed by the order is, for the record's materials (supplier lots). */
export interface NodeFacts {
  materialName?: string | undefined;
  supplierId?: string | undefined;
  supplierLot?: string | undefined;
}

export interface RecordSources {
  order: WorkOrderAggregate & { recordReleasedAt?: string | undefined; recordHash?: string | undefined };
  audit: readonly AuditRecord[];
  inspections: readonly InspectionRecord[];
  nonconformances: readonly Nonconformance[];
  nodes: ReadonlyMap<string, NodeFacts>;
  serials: readonly string[];
  signatures: readonly Signature[];
  /** The plant's policy for releasing the record ('work-order.release-record'). */
  policy: SignaturePolicy;
  machineData: readonly OperationMachineData[];
  downtime: readonly RecordDowntime[];
  timeZone: string;
  now: string;
}

const REPORT_ACTIONS = new Set(['operation.report', 'operation.complete', 'operation.correct', 'operation.reopen']);

export function buildBatchRecord(src: RecordSources): BatchRecord {
  const { order } = src;
  const base: BatchRecord = {
    workOrderId: order.id,
    timeZone: src.timeZone,
    generatedAt: src.now,
    released: order.recordReleasedAt !== undefined,
    ...(order.recordReleasedAt !== undefined ? { recordReleasedAt: order.recordReleasedAt } : {}),
    contentHash: '',
    ...(order.recordHash !== undefined ? { recordHash: order.recordHash } : {}),
    exceptions: [],
    order: orderSection(order),
    operations: [...order.operations].sort((a, b) => a.seq - b.seq).map((op) => operationSection(op, src)),
    produced: { lots: order.output?.lots ?? [], serials: [...src.serials] },
    inspections: inspectionsSection(src.inspections),
    nonconformances: [...src.nonconformances].sort((a, b) => a.reportedAt.localeCompare(b.reportedAt)).map(ncSection),
    holds: holdsOf(src.audit),
    corrections: src.audit
      .filter((a) => a.corrects !== undefined)
      .map(
        (a): RecordCorrection => ({
          version: a.version,
          at: a.at,
          by: a.by,
          target: a.target,
          ...(a.reason !== undefined ? { reason: a.reason } : {}),
          corrects: a.corrects as number,
          changes: a.changes,
        }),
      ),
    machineData: src.machineData.map((m) => ({
      seq: m.seq,
      machineGoodQty: m.machineGoodQty,
      machineRejectQty: m.machineRejectQty,
      process: m.process,
    })),
    downtime: [...src.downtime],
    signatures: [],
    required: { complete: false, missing: [] },
  };
  const contentHash = hashOf(signableContent(base));
  const views = signatureViews(
    [...src.signatures].sort((a, b) => a.signedAt.localeCompare(b.signedAt)),
    { type: 'work-order', id: order.id, content: signableContent(base) },
  );
  const signatures = views.map(
    (s): RecordSignature => ({
      id: s.id,
      meaning: s.meaning,
      meaningText: s.meaningText,
      signerId: s.signerId,
      printedName: s.printedName,
      signedAt: s.signedAt,
      signedAtLocal: localTime(s.signedAt, src.timeZone),
      method: s.method,
      ...(s.comment !== undefined ? { comment: s.comment } : {}),
      contentHash: s.contentHash,
      valid: s.valid,
      ...(s.invalidReason !== undefined ? { invalidReason: s.invalidReason } : {}),
    }),
  );
  const record = { ...base, contentHash, signatures, required: policyStatus(src.policy, views) };
  return { ...record, exceptions: exceptionsOf(record) };
}

/** "2026-12-03 14:05:09 Europe/Berlin": the plant's wall clock, as a manifestation prints it. */
export function localTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')} ${timeZone}`;
}

function orderSection(o: RecordSources['order']): BatchRecord['order'] {
  const pick = <K extends keyof typeof o>(k: K) => (o[k] !== undefined ? { [k]: o[k] } : {});
  return {
    id: o.id,
    materialId: o.materialId,
    ...pick('materialName'),
    ...pick('uom'),
    quantity: o.quantity,
    producedQty: o.producedQty,
    scrappedQty: o.scrappedQty,
    overrunTolerancePct: o.overrunTolerancePct,
    routingId: o.routingId,
    ...pick('routingVersion'),
    ...pick('bomId'),
    workCenterId: o.workCenterId,
    ...pick('externalRef'),
    status: o.status,
    createdAt: o.createdAt,
    createdBy: o.createdBy,
    ...pick('releasedAt'),
    ...pick('startedAt'),
    ...pick('completedAt'),
    ...pick('closedAt'),
  } as BatchRecord['order'];
}

function operationSection(op: WorkOrderAggregate['operations'][number], src: RecordSources): RecordOperation {
  const requirements = new Map(op.dataToRecord.map((d) => [d.name, d]));
  return {
    seq: op.seq,
    name: op.name,
    workCenterId: op.workCenterId,
    status: op.status,
    ...(op.startedAt !== undefined ? { startedAt: op.startedAt, startedBy: op.startedBy ?? '' } : {}),
    ...(op.completedAt !== undefined ? { completedAt: op.completedAt, completedBy: op.completedBy ?? '' } : {}),
    goodQty: op.goodQty,
    scrapQty: op.scrapQty,
    scrapByReason: op.scrapByReason,
    instructions: op.instructions,
    ...(op.documents?.length
      ? { documents: op.documents.map((d) => ({ id: d.documentId, version: d.version, title: d.title, contentHash: d.contentHash })) }
      : {}),
    values: Object.entries(op.recordedData)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, v]) => {
        const req = requirements.get(name);
        return {
          name,
          label: req?.label ?? name,
          value: v.value,
          ...(v.unit !== undefined ? { unit: v.unit } : req?.unit !== undefined ? { unit: req.unit } : {}),
          ...(req?.min !== undefined ? { min: req.min } : {}),
          ...(req?.max !== undefined ? { max: req.max } : {}),
          within: !v.outOfLimits,
          recordedAt: v.recordedAt,
          recordedBy: v.recordedBy,
        };
      }),
    reports: src.audit.filter((a) => REPORT_ACTIONS.has(a.action) && a.target === `operation/${op.seq}`).map((a) => reportOf(a, op.seq)),
    consumed: (op.consumed ?? []).map((c): RecordMaterial => {
      const facts = src.nodes.get(`${c.node.kind}:${c.node.id}`);
      return {
        materialId: c.materialId,
        kind: c.node.kind,
        id: c.node.id,
        quantity: c.quantity,
        backflush: c.backflush,
        at: c.at,
        by: c.by,
        ...(facts?.materialName !== undefined ? { materialName: facts.materialName } : {}),
        ...(facts?.supplierId !== undefined ? { supplierId: facts.supplierId } : {}),
        ...(facts?.supplierLot !== undefined ? { supplierLot: facts.supplierLot } : {}),
      };
    }),
    ...(op.rework ? { rework: op.rework } : {}),
  };
}

/** A report's quantities are what it added: the difference its audit record shows. */
function reportOf(a: AuditRecord, seq: number): RecordReport {
  const delta = (field: string) => {
    const c = a.changes.find((x) => x.field === `operations/${seq}/${field}`);
    return c ? Math.round((Number(c.to ?? 0) - Number(c.from ?? 0)) * 1e6) / 1e6 : undefined;
  };
  const good = delta('goodQty');
  const scrap = delta('scrapQty');
  return {
    version: a.version,
    action: a.action,
    at: a.at,
    by: a.by,
    ...(good !== undefined ? { goodQty: good } : {}),
    ...(scrap !== undefined ? { scrapQty: scrap } : {}),
    ...(a.comment !== undefined ? { comment: a.comment } : {}),
  };
}

function inspectionsSection(records: readonly InspectionRecord[]) {
  const latest = new Map<string, number>();
  for (const r of records) latest.set(r.inspectionId, Math.max(latest.get(r.inspectionId) ?? 0, r.attempt));
  return [...records]
    .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.attempt - b.attempt)
    .map((r) => ({
      inspectionId: r.inspectionId,
      attempt: r.attempt,
      seq: r.seq,
      planId: r.planId,
      planVersion: r.planVersion,
      sampleSize: r.sampleSize,
      defectiveUnits: r.defectiveUnits,
      passed: r.passed,
      recordedAt: r.recordedAt,
      recordedBy: r.recordedBy,
      superseded: (latest.get(r.inspectionId) ?? 0) > r.attempt,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
    }));
}

function ncSection(nc: Nonconformance): BatchRecord['nonconformances'][number] {
  return {
    id: nc.id,
    status: nc.status,
    ...(nc.seq !== undefined ? { seq: nc.seq } : {}),
    ...(nc.lotId !== undefined ? { lotId: nc.lotId } : {}),
    ...(nc.serialId !== undefined ? { serialId: nc.serialId } : {}),
    quantity: nc.quantity,
    defectCode: nc.defectCode,
    ...(nc.defectName !== undefined ? { defectName: nc.defectName } : {}),
    description: nc.description,
    reportedAt: nc.reportedAt,
    reportedBy: nc.reportedByName || nc.reportedBy,
    ...(nc.disposition ? { disposition: nc.disposition.disposition, decidedBy: nc.disposition.decidedByName || nc.disposition.decidedBy } : {}),
    ...(nc.disposition?.approvedBy ? { approvedBy: nc.disposition.approvedByName ?? nc.disposition.approvedBy } : {}),
    ...(nc.closedAt !== undefined ? { closedAt: nc.closedAt } : {}),
  };
}

/** Holds from the audit trail: a record that put the order ON_HOLD opens one, the record that took it off closes it. */
function holdsOf(audit: readonly AuditRecord[]): RecordHold[] {
  const holds: RecordHold[] = [];
  let open: RecordHold | undefined;
  for (const a of [...audit].sort((x, y) => x.version - y.version)) {
    const status = a.changes.find((c) => c.field === 'status');
    if (!status) continue;
    if (status.to === 'ON_HOLD' && !open) {
      open = {
        heldAt: a.at,
        heldBy: a.by,
        ...(a.reason !== undefined ? { reason: a.reason } : {}),
        ...(a.comment !== undefined ? { comment: a.comment } : {}),
      };
      holds.push(open);
    } else if (status.from === 'ON_HOLD' && open) {
      open.releasedAt = a.at;
      open.releasedBy = a.by;
      open = undefined;
    }
  }
  return holds;
}
