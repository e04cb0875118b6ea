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
import { LotNotConsumableError, consumeFromLot } from '../tracking/consume.ts';
import type { LotAggregate, LotCommandResult } from '../tracking/lots.ts';
import { type CommandContext, finish, findOperation, replaceOp, summary } from './commands.ts';
import type { CommandResult, Operation, WorkOrderAggregate } from './model.ts';

export interface ConsumeMaterial {
  lotId: string;
  quantity: number;
  comment?: string | undefined;
}

/** Where an operation may consume: while it runs or is paused, in an order being worked on. */
const CONSUMING = new Set<Operation['status']>(['RUNNING', 'PAUSED']);

export function consumeMaterial(
  ctx: CommandContext,
  order: WorkOrderAggregate,
  seq: number,
  input: ConsumeMaterial,
  lot: LotAggregate,
): { order: CommandResult; lot: LotCommandResult } {
  const op = findOperation(order, seq);
  if (!CONSUMING.has(op.status) || order.status !== 'IN_PROGRESS') {
    throw new IllegalTransitionError(
      `operation ${seq} is ${op.status} in a work order that is ${order.status}: material is consumed while the operation runs or is paused`,
    );
  }
  const components = op.components ?? [];
  if (components.length === 0) {
    throw new LotNotConsumableError({
      code: 'wrong-material',
      status: 422,
      detail: `operation ${seq} of work order ${order.id} has no BOM lines: it consumes no material${order.bomId ? '' : ' (the order names no BOM)'}`,
    });
  }
  const component = componentFor(components, lot.materialId);
  const accepted = components.flatMap((c) => [c.materialId, ...c.substitutes]);
  // The lot's own state first (held, expired, used up, wrong material): its refusal names the lot.
  const lotResult = consumeFromLot({ tenantId: ctx.tenantId, actor: ctx.actor, now: ctx.now, newId: ctx.newId }, lot, {
    materialIds: accepted,
    quantity: input.quantity,
    now: ctx.now,
    workOrderId: order.id,
    seq,
  });
  const consumed = op.consumed ?? [];
  const target = component as OperationComponent;
  const headroom = issueHeadroom(target, consumed, order.quantity);
  if (input.quantity > headroom + 1e-9) {
    const { required } = allowedBand(target, order.quantity);
    throw new QuantityRuleError(
      `operation ${seq} may consume ${headroom} ${target.uom} more of ${target.materialName ?? target.materialId}: the order's ${order.quantity} need ${required} ${target.uom}${
        target.tolerancePct ? ` (plus ${target.tolerancePct} %)` : ''
      }, and ${consumedAgainst(target, consumed)} were consumed`,
    );
  }
  const record: ConsumedMaterial = {
    materialId: lot.materialId,
    node: { kind: 'lot', id: lot.id },
    quantity: input.quantity,
    backflush: false,
    at: ctx.now,
    by: ctx.actor.userId,
  };
  const updated: Operation = { ...op, consumed: [...consumed, record] };
  const next: WorkOrderAggregate = { ...order, operations: replaceOp(order, updated) };
  const left = lotResult.changes[0]?.after.quantity ?? 0;
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
          lotId: lot.id,
          consumedMaterialId: lot.materialId,
          consumedQty: input.quantity,
          uom: lot.uom,
          lotQuantityLeft: left,
          by: ctx.actor.userId,
        },
      },
    ],
  });
  return { order: result, lot: lotResult };
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
