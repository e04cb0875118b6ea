/**
 * The batch record read side (GET /v1/work-orders/{id}/record, GET /v1/serials/{id}/record):
 * reads the order's item collection and what it names in a bounded number of calls, then builds
 * the record (build.ts). Speaks only to ports.
 *
 * DynamoDB calls for an order's record, whatever its size: 2 Queries of the order's partition in
 * parallel (its audit trail; its inspections, nonconformance references, operations, signatures
 * and header), 1 Query of the serials it made, 1 GetItem of the plant's time zone, and one
 * BatchGetItem per 100 nonconformances and consumed lots and serials (one for any ordinary
 * order); a Query answers a page per MB. The machine data and downtime are the telemetry read
 * side's (per operation and work unit, as GET /v1/work-orders/{id}/machine-data reads them).
 */
import type { AuthContext } from '../../auth/claims.ts';
import { NotFoundError } from '../errors.ts';
import type { InspectionRecord } from '../quality/inspections.ts';
import type { Nonconformance } from '../quality/nonconformance-model.ts';
import type { SerialUnit } from '../tracking/model.ts';
import type { OperationMachineData } from '../tracking/serial-record.ts';
import type { AuditRecord, WorkOrderAggregate } from '../work-order/model.ts';
import type { Signature } from '../signatures/model.ts';
import { policyFor, type SignatureSettings } from '../signatures/policy.ts';
import { buildBatchRecord, type NodeFacts } from './build.ts';
import { type BatchRecord, RELEASE_RECORD_ACTION, type RecordDowntime } from './model.ts';
import { narrowToSerial } from './serial.ts';

/** An order's item collection, as the record reads it. */
export interface OrderRecordItems {
  order: WorkOrderAggregate & { recordReleasedAt?: string | undefined; recordHash?: string | undefined };
  audit: AuditRecord[];
  inspections: InspectionRecord[];
  signatures: Signature[];
  /** The nonconformances that name the order (their references in its collection). */
  nonconformanceIds: string[];
}

export interface RecordReader {
  orderItems(tenantId: string, workOrderId: string): Promise<OrderRecordItems | undefined>;
  related(
    tenantId: string,
    ids: { nonconformances: readonly string[]; nodes: readonly { kind: 'lot' | 'serial'; id: string }[] },
  ): Promise<{ nonconformances: Nonconformance[]; nodes: Map<string, NodeFacts> }>;
  serialsMade(tenantId: string, workOrderId: string): Promise<string[]>;
  /** The plant's IANA time zone (its shift calendar's; UTC without one) and its signature settings. */
  plant(tenantId: string): Promise<{ timeZone: string; settings: SignatureSettings | undefined }>;
  serial(tenantId: string, id: string): Promise<SerialUnit | undefined>;
  serialHistory(tenantId: string, id: string): Promise<{ at: string; by: string; type: string; reason?: string | undefined }[]>;
}

export interface RecordTelemetry {
  machineData(auth: AuthContext, workOrderId: string): Promise<{ operations: OperationMachineData[] }>;
  downtime(auth: AuthContext, workCenterIds: readonly string[], from: number, to: number): Promise<RecordDowntime[]>;
}

export class RecordService {
  constructor(
    private readonly reader: RecordReader,
    private readonly telemetry: RecordTelemetry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async workOrderRecord(auth: AuthContext, id: string): Promise<BatchRecord> {
    const items = await this.reader.orderItems(auth.tenantId, id);
    if (!items) throw new NotFoundError(`work order ${id}`);
    return this.build(auth, items);
  }

  /** The order's record built from items already read (the signing command reads them once). */
  async build(auth: AuthContext, items: OrderRecordItems): Promise<BatchRecord> {
    const { order } = items;
    const nodes = order.operations.flatMap((op) => (op.consumed ?? []).map((c) => c.node));
    const from = order.startedAt ? Date.parse(order.startedAt) : undefined;
    const to = order.completedAt ? Date.parse(order.completedAt) : this.now().getTime();
    const centers = [...new Set(order.operations.map((op) => op.workCenterId))];
    const [related, serials, plant, machine, downtime] = await Promise.all([
      this.reader.related(auth.tenantId, { nonconformances: items.nonconformanceIds, nodes }),
      order.output?.serials ? this.reader.serialsMade(auth.tenantId, order.id) : Promise.resolve([]),
      this.reader.plant(auth.tenantId),
      // Telemetry is best effort: a record without machine data is still the record.
      order.startedAt ? this.telemetry.machineData(auth, order.id).catch(() => ({ operations: [] })) : Promise.resolve({ operations: [] }),
      from !== undefined ? this.telemetry.downtime(auth, centers, from, Math.max(to, from + 1)).catch(() => []) : Promise.resolve([]),
    ]);
    return buildBatchRecord({
      order,
      audit: items.audit,
      inspections: items.inspections,
      nonconformances: related.nonconformances,
      nodes: related.nodes,
      serials,
      signatures: items.signatures,
      machineData: machine.operations,
      downtime,
      timeZone: plant.timeZone,
      policy: policyFor(plant.settings, RELEASE_RECORD_ACTION),
      now: this.now().toISOString(),
    });
  }

  /** One serial's device history record: its own history, and its order's record narrowed to it. */
  async serialRecord(auth: AuthContext, id: string) {
    const serial = await this.reader.serial(auth.tenantId, id);
    if (!serial) throw new NotFoundError(`serial number ${id}`);
    const [record, history] = await Promise.all([this.workOrderRecord(auth, serial.workOrderId), this.reader.serialHistory(auth.tenantId, id)]);
    return {
      serialId: serial.id,
      materialId: serial.materialId,
      status: serial.status,
      madeAt: serial.madeAt,
      history,
      record: narrowToSerial(record, serial),
    };
  }
}
