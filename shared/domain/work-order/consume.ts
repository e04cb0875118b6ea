/**
 * Material consumed at an operation (issue 14): an operator scans or picks a lot of one of the
 * operation's BOM components (or a substitute the line names) and a quantity. The lot must be
 * consumable (shared/domain/tracking/consume.ts), the quantity within what the order needs plus
 * the line's tolerance. The order's operation records it, and the lot's decrement, movement and
 * audit record go in the same transaction, with the order's `material.consumed` event.
 */
import type { FieldError } from '../errors.ts';
import { IllegalTransitionError, QuantityRuleError } from '../errors.ts';
import {
  type ConsumedMaterial,
  type OperationComponent,
  allowedBand,
  componentFor,
  consumedAgainst,
  issueHeadroom,
  missingConsumption,
} from '../tracking/consumption.ts';
import { LotNotConsumableError, type SerialWrite, consumeFromLot, consumeSerial } from '../tracking/consume.ts';
import type { NodeRef, SerialUnit } from '../tracking/model.ts';
import type { LotAggregate, LotCommandResult } from '../tracking/lots.ts';
import { type CommandContext, finish, findOperation, replaceOp, summary } from './commands.ts';
import type { CommandResult, Operation, WorkOrderAggregate } from './model.ts';

export interface ConsumeMaterial {
  /** A lot, or a serialized unit (one), scanned or picked. */
  lotId?: string | undefined;
  serialId?: string | undefined;
  /** Of a lot; a serial is 1. */
  quantity?: number | undefined;
  comment?: string | undefined;
}

/** What is consumed: a lot as read, or a serial as read. */
export type ConsumedSource = { kind: 'lot'; lot: LotAggregate } | { kind: 'serial'; serial: SerialUnit };

/** The consumption recorded, and the BOM line it counts against. */
export interface Consumed {
  component: OperationComponent;
  record: ConsumedMaterial;
}

/** Where an operation may consume: while it runs or is paused, in an order being worked on. */
const CONSUMING = new Set<Operation['status']>(['RUNNING', 'PAUSED']);

export function consumeMaterial(
  ctx: CommandContext,
  order: WorkOrderAggregate,
  seq: number,
  input: ConsumeMaterial,
  source: ConsumedSource,
): { order: CommandResult; lot?: LotCommandResult; serial?: SerialWrite; consumed: Consumed } {
  const op = findOperation(order, seq);
  if (!CONSUMING.has(op.status) || order.status !== 'IN_PROGRESS') {
    throw new IllegalTransitionError(
      `operation ${seq} is ${op.status} in a work order that is ${order.status}: material is consumed while the operation runs or is paused`,
    );
  }
  const components = op.components ?? [];
  if (components.length === 0) {
    throw new LotNotConsumableError(
      {
        code: 'wrong-material',
        status: 422,
        detail: `operation ${seq} of work order ${order.id} has no BOM lines: it consumes no material${order.bomId ? '' : ' (the order names no BOM)'}`,
      },
      source.kind === 'lot' ? '/body/lotId' : '/body/serialId',
    );
  }
  const accepted = components.flatMap((c) => [c.materialId, ...c.substitutes]);
  const lotCtx = { tenantId: ctx.tenantId, actor: ctx.actor, now: ctx.now, newId: ctx.newId };
  // The lot's or serial's own state first (held, expired, used up, wrong material): its refusal names it.
  const quantity = source.kind === 'lot' ? (input.quantity as number) : 1;
  const lotResult =
    source.kind === 'lot'
      ? consumeFromLot(lotCtx, source.lot, { materialIds: accepted, quantity, now: ctx.now, workOrderId: order.id, seq })
      : undefined;
  const serialWrite =
    source.kind === 'serial' ? consumeSerial(lotCtx, source.serial, { materialIds: accepted, workOrderId: order.id, seq }) : undefined;
  const materialId = source.kind === 'lot' ? source.lot.materialId : source.serial.materialId;
  const node: NodeRef = source.kind === 'lot' ? { kind: 'lot', id: source.lot.id } : { kind: 'serial', id: source.serial.id };
  const target = componentFor(components, materialId) as OperationComponent;
  const consumed = op.consumed ?? [];
  const headroom = issueHeadroom(target, consumed, order.quantity);
  if (quantity > headroom + 1e-9) {
    const { required } = allowedBand(target, order.quantity);
    throw new QuantityRuleError(
      `operation ${seq} may consume ${headroom} ${target.uom} more of ${target.materialName ?? target.materialId}: the order's ${order.quantity} need ${required} ${target.uom}${
        target.tolerancePct ? ` (plus ${target.tolerancePct} %)` : ''
      }, and ${consumedAgainst(target, consumed)} were consumed`,
    );
  }
  const record: ConsumedMaterial = { materialId, node, quantity, backflush: false, at: ctx.now, by: ctx.actor.userId };
  const updated: Operation = { ...op, consumed: [...consumed, record] };
  const next: WorkOrderAggregate = { ...order, operations: replaceOp(order, updated) };
  const result = finish(ctx, order, next, {
    action: 'material.consume',
    target: `operation/${seq}`,
    comment: input.comment,
    events: [
      {
        type: 'material.consumed',
        data: {
          ...summary(next),
          seq,
          workCenterId: op.workCenterId,
          ...(source.kind === 'lot'
            ? { lotId: source.lot.id, lotQuantityLeft: lotResult?.changes[0]?.after.quantity ?? 0 }
            : { serialId: source.serial.id }),
          consumedMaterialId: materialId,
          consumedQty: quantity,
          uom: source.kind === 'lot' ? source.lot.uom : target.uom,
          by: ctx.actor.userId,
        },
      },
    ],
  });
  return {
    order: result,
    ...(lotResult ? { lot: lotResult } : {}),
    ...(serialWrite ? { serial: serialWrite } : {}),
    consumed: { component: target, record },
  };
}

/** A completion refused while a tracked component is consumed short of what was made needs. */
export function assertConsumed(op: Operation, made: number): void {
  const missing = missingConsumption(op.components ?? [], op.consumed ?? [], made);
  if (!missing.length) return;
  const errors: FieldError[] = missing.map((m) => ({
    pointer: '/body',
    detail: `${m.component.materialName ?? m.component.materialId}: ${m.consumed} ${m.component.uom} consumed, at least ${m.min} needed for ${made} made`,
  }));
  throw new QuantityRuleError(
    `operation ${op.seq} cannot complete before its tracked components are consumed: ${errors.map((e) => e.detail).join('; ')}. Scan or pick their lots first`,
  );
}
