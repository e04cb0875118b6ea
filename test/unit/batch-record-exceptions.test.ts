/**
 * Review by exception (shared/domain/record): an order with every kind of exception the record
 * knows, built from stored facts without I/O. Each kind appears, in the order EXCEPTION_KINDS
 * gives, each pointing (a JSON pointer) to something in the record; a signature binds the
 * signable content, which a change invalidates and signing itself does not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentHash } from '#shared/domain/audit/canonical.ts';
import { buildBatchRecord, type RecordSources } from '#shared/domain/record/build.ts';
import { EXCEPTION_KINDS, signableContent } from '#shared/domain/record/model.ts';
import { DEFAULT_SIGNATURE_POLICIES } from '#shared/domain/signatures/policy.ts';
import type { Operation, WorkOrderAggregate } from '#shared/domain/work-order/model.ts';

const T = (m: number) => new Date(Date.UTC(2026, 11, 3, 8, m)).toISOString();
const op = (seq: number, extra: Partial<Operation> = {}): Operation => ({
  seq,
  name: `Op ${seq}`,
  workCenterId: 'wc-1',
  standardTimeSeconds: 60,
  setupTimeSeconds: 0,
  instructions: 'Do it right.',
  dataToRecord: [{ name: 'torque', label: 'Torque', type: 'number', unit: 'Nm', min: 3, max: 5, required: true }],
  status: 'DONE',
  goodQty: 10,
  scrapQty: 0,
  scrapByReason: {},
  recordedData: {},
  startedAt: T(1),
  startedBy: 'u-op',
  completedAt: T(30),
  completedBy: 'u-op',
  version: 3,
  ...extra,
});

function sources(): RecordSources {
  const order: WorkOrderAggregate = {
    id: 'WO-1',
    materialId: 'FG-1',
    materialName: 'Pump',
    uom: 'EA',
    quantity: 10,
    routingId: 'RT-1',
    dueDate: T(0),
    priority: 1,
    workCenterId: 'wc-1',
    status: 'COMPLETED',
    overrunTolerancePct: 5,
    producedQty: 11,
    scrappedQty: 2,
    remainingQty: 0,
    createdAt: T(0),
    createdBy: 'u-plan',
    startedAt: T(1),
    completedAt: T(40),
    updatedAt: T(40),
    updatedBy: 'u-op',
    version: 12,
    eventSeq: 9,
    operations: [
      op(10, {
        recordedData: { torque: { value: 6.2, unit: 'Nm', outOfLimits: true, recordedAt: T(5), recordedBy: 'u-op' } },
        scrapQty: 2,
        scrapByReason: { DENT: 2 },
      }),
      op(20, { goodQty: 11, rework: { nonconformanceId: 'NC-2026-00001', afterSeq: 10, quantity: 1 } }),
    ],
  };
  return {
    order,
    audit: [
      {
        version: 3,
        at: T(5),
        by: 'u-op',
        action: 'operation.report',
        target: 'operation/10',
        changes: [{ field: 'operations/10/goodQty', from: 0, to: 5 }],
      },
      {
        version: 4,
        at: T(6),
        by: 'u-sup',
        action: 'workOrder.hold',
        target: 'workOrder',
        reason: 'MATERIAL',
        changes: [{ field: 'status', from: 'IN_PROGRESS', to: 'ON_HOLD' }],
      },
      {
        version: 5,
        at: T(7),
        by: 'u-sup',
        action: 'workOrder.resume',
        target: 'workOrder',
        changes: [{ field: 'status', from: 'ON_HOLD', to: 'IN_PROGRESS' }],
      },
      {
        version: 6,
        at: T(8),
        by: 'u-sup',
        action: 'operation.correct',
        target: 'operation/10',
        reason: 'miscounted',
        corrects: 3,
        changes: [{ field: 'operations/10/goodQty', from: 5, to: 4 }],
      },
      { version: 7, at: T(9), by: 'u-sup', action: 'operation.reopen', target: 'operation/10', reason: 'recount', changes: [] },
    ],
    inspections: [
      {
        inspectionId: 'WO-1~10~IP~1',
        attempt: 1,
        workOrderId: 'WO-1',
        seq: 10,
        planId: 'IP',
        planVersion: 1,
        k: 1,
        sampleSize: 5,
        characteristics: [],
        defectiveUnits: 2,
        passed: false,
        recordedAt: T(10),
        recordedBy: 'u-op',
      },
      {
        inspectionId: 'WO-1~10~IP~1',
        attempt: 2,
        workOrderId: 'WO-1',
        seq: 10,
        planId: 'IP',
        planVersion: 1,
        k: 1,
        sampleSize: 5,
        characteristics: [],
        defectiveUnits: 0,
        passed: true,
        recordedAt: T(11),
        recordedBy: 'u-q',
        reason: 'retest',
      },
    ],
    nonconformances: [
      {
        id: 'NC-2026-00001',
        status: 'closed',
        workOrderId: 'WO-1',
        seq: 10,
        quantity: 1,
        defectCode: 'DENT',
        description: 'dent',
        reportedAt: T(12),
        reportedBy: 'u-op',
        reportedByName: 'Ana',
        holds: [],
        disposition: { disposition: 'rework', decidedAt: T(13), decidedBy: 'u-q', decidedByName: 'Quinn' },
        closedAt: T(13),
        updatedAt: T(13),
        updatedBy: 'u-q',
        version: 2,
      },
      {
        id: 'NC-2026-00002',
        status: 'open',
        workOrderId: 'WO-1',
        quantity: 1,
        defectCode: 'LABEL',
        description: 'label crooked',
        reportedAt: T(41),
        reportedBy: 'u-op',
        reportedByName: 'Ana',
        holds: [],
        updatedAt: T(41),
        updatedBy: 'u-op',
        version: 1,
      },
    ],
    nodes: new Map(),
    serials: [],
    signatures: [],
    machineData: [
      { seq: 10, machineGoodQty: 12, machineRejectQty: 0, process: { temp: { count: 9, min: 1, max: 99, mean: 50, last: 50, outOfLimits: 2 } } },
    ],
    downtime: [],
    timeZone: 'Europe/Amsterdam',
    policy: DEFAULT_SIGNATURE_POLICIES['work-order.release-record'],
    now: T(50),
  };
}

const resolve = (value: unknown, pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((at, key) => (at === undefined || at === null ? undefined : (at as Record<string, unknown>)[key]), value);

describe('the batch record, reviewed by exception', () => {
  it('lists every kind of exception first, in the order of EXCEPTION_KINDS, each pointing into the record', () => {
    const record = buildBatchRecord(sources());
    const kinds = record.exceptions.map((e) => e.kind);
    assert.deepEqual(
      [...new Set(kinds)],
      EXCEPTION_KINDS.filter((k) => k !== 'short'),
      'each kind but short (this order overran) is there, in order',
    );
    assert.deepEqual(
      [...kinds].sort((a, b) => EXCEPTION_KINDS.indexOf(a) - EXCEPTION_KINDS.indexOf(b)),
      kinds,
    );
    for (const e of record.exceptions) assert.notEqual(resolve(record, e.ref), undefined, `${e.kind}: ${e.ref}`);
    const text = (kind: string) => record.exceptions.filter((e) => e.kind === kind).map((e) => e.text);
    assert.deepEqual(text('out-of-limits'), ['Torque 6.2 Nm at operation 10 (Op 10) is outside its limits (min 3, max 5)']);
    assert.deepEqual(text('overrun'), ['Made 11 EA of 10 EA ordered (10% over, beyond the 5% tolerance)']);
    assert.match(text('failed-inspection')[0] ?? '', /failed \(attempt 1, 2 of 5 defective\); inspected again later/);
    assert.deepEqual(text('correction'), ['u-sup corrected record 3 (operation/10): operations/10/goodQty 5 -> 4; reason: miscounted']);
    assert.equal(record.holds[0]?.releasedAt, T(7));
  });

  it('says short of a completed order that made less, and nothing of a clean one', () => {
    const src = sources();
    src.order = { ...src.order, producedQty: 8, scrappedQty: 0, operations: [op(10)] };
    src.audit = [];
    src.inspections = [];
    src.nonconformances = [];
    src.machineData = [];
    const record = buildBatchRecord(src);
    assert.deepEqual(
      record.exceptions.map((e) => e.kind),
      ['unsigned', 'unsigned', 'short'],
    );
  });

  it('binds a signature to the signable content: signing and closing keep it valid, a change does not', () => {
    const src = sources();
    const content = signableContent(buildBatchRecord(src));
    const signature = {
      id: 's-1',
      recordType: 'work-order' as const,
      recordId: 'WO-1',
      contentHash: contentHash(content),
      meaning: 'review',
      meaningText: 'Review',
      signerId: 'u-sup',
      printedName: 'Sam Jansen',
      signedAt: '2026-12-03T09:00:00.000Z',
      method: 'password' as const,
    };
    const signed = buildBatchRecord({ ...src, signatures: [signature], order: { ...src.order, status: 'CLOSED', closedAt: T(45), version: 14 } });
    assert.deepEqual(
      signed.signatures.map((s) => [s.valid, s.signedAtLocal]),
      [[true, '2026-12-03 10:00:00 Europe/Amsterdam']],
    );
    assert.deepEqual(
      signed.required.missing.map((m) => m.meaning),
      ['approval'],
    );
    const changed = buildBatchRecord({ ...src, signatures: [signature], order: { ...src.order, producedQty: 10 } });
    assert.equal(changed.signatures[0]?.valid, false);
    const copied = buildBatchRecord({ ...src, signatures: [{ ...signature, recordId: 'WO-2' }] });
    assert.equal(copied.signatures[0]?.valid, false, 'a signature copied from another record does not count');
  });
});
