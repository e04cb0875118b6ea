/**
 * A serialized unit's own record (issue 14): the unit, the order that made it, each of the
 * order's operations with who did it and when, what was recorded, the machine data of the
 * operation (counts and process values while it ran at its work center) and the lots and serials
 * consumed into this unit there. Complete enough to be its device history record later
 * (21 CFR 820.184). Reads: the serial, its order, its inputs (one genealogy read and one of the
 * inputs' records) and the order's machine data.
 */
import type { AuthContext } from '../../auth/claims.ts';
import { NotFoundError } from '../errors.ts';
import type { WorkOrderRepository } from '../work-order/repository.ts';
import type { GenealogyReader } from './genealogy.ts';
import { nodeKey } from './model.ts';

/** What the machines counted and measured per operation of an order (the telemetry service's machine data). */
export interface OperationMachineData {
  seq: number;
  machineGoodQty: number;
  machineRejectQty: number;
  process: Record<string, { count: number; min: number | null; max: number | null; mean: number | null; last: number | null; outOfLimits: number }>;
}
export type MachineDataOf = (auth: AuthContext, workOrderId: string) => Promise<{ operations: OperationMachineData[] }>;

export class SerialRecordService {
  constructor(
    private readonly orders: Pick<WorkOrderRepository, 'get' | 'getSerial'>,
    private readonly genealogy: GenealogyReader,
    private readonly machineData: MachineDataOf,
  ) {}

  async record(auth: AuthContext, id: string) {
    const serial = await this.orders.getSerial(auth.tenantId, id);
    if (!serial) throw new NotFoundError(`serial number ${id}`);
    const root = { kind: 'serial' as const, id };
    const [order, inputs, machine] = await Promise.all([
      this.orders.get(auth.tenantId, serial.workOrderId),
      this.genealogy.read(auth.tenantId, { nodes: [], adjacency: [root], direction: 'backward' }),
      this.machineData(auth, serial.workOrderId).catch(() => undefined),
    ]);
    if (!order) throw new NotFoundError(`work order ${serial.workOrderId} of serial number ${id}`);
    const edges = inputs.adjacency.get(nodeKey(root)) ?? [];
    const facts = edges.length
      ? (await this.genealogy.read(auth.tenantId, { nodes: edges.map((e) => e.from), adjacency: [], direction: 'backward' })).nodes
      : new Map();
    const { eventSeq: _, ...header } = order;
    return {
      serial,
      order: {
        id: header.id,
        materialId: header.materialId,
        ...(header.materialName !== undefined ? { materialName: header.materialName } : {}),
        quantity: header.quantity,
        status: header.status,
        ...(header.externalRef !== undefined ? { externalRef: header.externalRef } : {}),
        ...(header.startedAt !== undefined ? { startedAt: header.startedAt } : {}),
        ...(header.completedAt !== undefined ? { completedAt: header.completedAt } : {}),
      },
      operations: order.operations.map((op) => {
        const m = machine?.operations.find((o) => o.seq === op.seq);
        return {
          seq: op.seq,
          name: op.name,
          workCenterId: op.workCenterId,
          status: op.status,
          ...(op.startedAt !== undefined ? { startedAt: op.startedAt, startedBy: op.startedBy } : {}),
          ...(op.completedAt !== undefined ? { completedAt: op.completedAt, completedBy: op.completedBy } : {}),
          goodQty: op.goodQty,
          scrapQty: op.scrapQty,
          recordedData: op.recordedData,
          dataLabels: Object.fromEntries(op.dataToRecord.map((d) => [d.name, d.label ?? d.name])),
          ...(m ? { machine: { machineGoodQty: m.machineGoodQty, machineRejectQty: m.machineRejectQty, process: m.process } } : {}),
          components: edges
            .filter((e) => e.seq === op.seq && e.workOrderId === order.id)
            .map((e) => {
              const f = facts.get(nodeKey(e.from));
              return {
                node: e.from,
                quantity: e.quantity,
                uom: e.uom,
                ...(f
                  ? {
                      materialId: f.materialId,
                      ...(f.materialName !== undefined ? { materialName: f.materialName } : {}),
                      status: f.status,
                      ...(f.supplierId !== undefined ? { supplierId: f.supplierId } : {}),
                      ...(f.supplierLot !== undefined ? { supplierLot: f.supplierLot } : {}),
                    }
                  : {}),
              };
            }),
        };
      }),
    };
  }
}
