/**
 * May this lot be consumed? The one consumability rule (issue 14), pure, for the consume
 * command, backflush and the app (which lots to offer). A lot on hold, expired, of another
 * material, with too little left, or gone (consumed, scrapped, shipped) may not be; the
 * refusal says why in words an operator acts on.
 */
import { type FieldError, MesError } from '../errors.ts';
import type { GenealogyEdge, MaterialLot, Movement, NodeRef, SerialUnit } from './model.ts';
import { type LotAggregate, type LotCommandResult, type LotContext, lotRef } from './lots.ts';

export const CONSUME_REFUSALS = ['consumed', 'scrapped', 'shipped', 'on-hold', 'wrong-material', 'expired', 'too-little'] as const;
export type ConsumeRefusalCode = (typeof CONSUME_REFUSALS)[number];

export interface ConsumeRefusal {
  code: ConsumeRefusalCode;
  /** HTTP status the refusal is: 422 for a lot of the wrong material (the request names the wrong thing), else 409 (the lot's state). */
  status: 409 | 422;
  detail: string;
}

export interface ConsumeRequest {
  /** The materials that may be consumed here: the BOM component and its substitutes. */
  materialIds: readonly string[];
  quantity: number;
  /** ISO date-time: a lot that expired at or before it may not be consumed. */
  now: string;
}

/** A lot that may not be consumed: 409 (its state) or 422 (the wrong material), at the request's lot field. */
export class LotNotConsumableError extends MesError {
  override readonly name = 'LotNotConsumableError';
  readonly status: 409 | 422;
  readonly type = 'urn:mes:problem:lot-not-consumable';
  readonly title = 'This lot cannot be consumed';
  override readonly errors: FieldError[];
  readonly code: ConsumeRefusalCode;
  constructor(refusal: ConsumeRefusal, pointer = '/body/lotId') {
    super(refusal.detail);
    this.status = refusal.status;
    this.code = refusal.code;
    this.errors = [{ pointer, detail: refusal.detail }];
  }
}

/** Why `lot` may not give `quantity` here, or undefined when it may. */
export function consumeRefusal(lot: MaterialLot, request: ConsumeRequest): ConsumeRefusal | undefined {
  const { id, uom } = lot;
  if (lot.status === 'consumed') return { code: 'consumed', status: 409, detail: `lot ${id} is used up: nothing is left of it` };
  if (lot.status === 'scrapped') return { code: 'scrapped', status: 409, detail: `lot ${id} was scrapped` };
  if (lot.status === 'shipped') return { code: 'shipped', status: 409, detail: `lot ${id} has left the plant` };
  if (lot.status === 'on-hold') {
    return { code: 'on-hold', status: 409, detail: `lot ${id} is on hold (${lot.holdReason ?? 'no reason given'}): quality must release it first` };
  }
  if (!request.materialIds.includes(lot.materialId)) {
    return {
      code: 'wrong-material',
      status: 422,
      detail: `lot ${id} is ${lot.materialName ?? lot.materialId} (${lot.materialId}); this needs ${request.materialIds.join(' or ')}`,
    };
  }
  if (lot.expiresAt !== undefined && Date.parse(lot.expiresAt) <= Date.parse(request.now)) {
    return { code: 'expired', status: 409, detail: `lot ${id} expired at ${lot.expiresAt}` };
  }
  if (request.quantity > lot.quantity) {
    return {
      code: 'too-little',
      status: 409,
      detail: `lot ${id} has ${lot.quantity} ${uom} left, less than the ${request.quantity} ${uom} asked for`,
    };
  }
  return undefined;
}

export interface ConsumeFromLot extends ConsumeRequest {
  /** What it went into (a produced lot or serial), when known: a genealogy edge is made to it. */
  into?: NodeRef | undefined;
  workOrderId: string;
  seq: number;
  /** Where a refusal is reported (default `/body/lotId`). */
  pointer?: string | undefined;
}

/**
 * Takes `quantity` from a lot for an order's operation: the lot's decrement, its `consume`
 * movement and audit record (no lot event: the order's own `material.consumed` event says it),
 * and the edge into what it made when that is known. Refuses (throws) as consumeRefusal says.
 * For the work-order consume command and backflush, which add the result to their own
 * transaction (shared/db/lot-repository.ts, lotResultItems).
 */
export function consumeFromLot(ctx: LotContext, lot: LotAggregate, request: ConsumeFromLot): LotCommandResult {
  const refusal = consumeRefusal(lot, request);
  if (refusal) throw new LotNotConsumableError(refusal, request.pointer);
  const left = Math.round((lot.quantity - request.quantity) * 1e6) / 1e6;
  const version = lot.version + 1;
  const after: LotAggregate = {
    ...lot,
    quantity: left,
    status: left === 0 ? 'consumed' : lot.status,
    updatedAt: ctx.now,
    updatedBy: ctx.actor.userId,
    version,
  };
  const edges: GenealogyEdge[] = request.into
    ? [
        {
          from: lotRef(lot.id),
          to: request.into,
          quantity: request.quantity,
          uom: lot.uom,
          via: 'consume',
          workOrderId: request.workOrderId,
          seq: request.seq,
          at: ctx.now,
          by: ctx.actor.userId,
        },
      ]
    : [];
  return {
    changes: [
      {
        before: lot,
        after,
        movement: {
          type: 'consume',
          node: lotRef(lot.id),
          quantityChange: -request.quantity,
          quantityAfter: left,
          ...(request.into ? { counterpart: request.into } : {}),
          workOrderId: request.workOrderId,
          seq: request.seq,
          at: ctx.now,
          by: ctx.actor.userId,
          version,
        },
        audit: {
          version,
          at: ctx.now,
          by: ctx.actor.userId,
          action: 'lot.consume',
          target: 'lot',
          comment: `work order ${request.workOrderId}, operation ${request.seq}`,
          changes: [
            { field: 'quantity', from: lot.quantity, to: left },
            ...(after.status !== lot.status ? [{ field: 'status', from: lot.status, to: after.status }] : []),
          ],
        },
        events: [],
      },
    ],
    edges,
  };
}

/** A serial's change as a command makes it: as read (undefined for a new one), after, and its movement. */
export interface SerialWrite {
  before: SerialUnit | undefined;
  after: SerialUnit;
  movement: Movement;
}

/** Why a serialized unit may not be consumed here, or undefined when it may: only a unit made and not held, of a material this needs. */
export function serialConsumeRefusal(serial: SerialUnit, materialIds: readonly string[]): ConsumeRefusal | undefined {
  const { id } = serial;
  if (serial.status === 'consumed') return { code: 'consumed', status: 409, detail: `serial ${id} was consumed already` };
  if (serial.status === 'scrapped') return { code: 'scrapped', status: 409, detail: `serial ${id} was scrapped` };
  if (serial.status === 'shipped') return { code: 'shipped', status: 409, detail: `serial ${id} has left the plant` };
  if (serial.status === 'on-hold') {
    return {
      code: 'on-hold',
      status: 409,
      detail: `serial ${id} is on hold (${serial.holdReason ?? 'no reason given'}): quality must release it first`,
    };
  }
  if (!materialIds.includes(serial.materialId)) {
    return {
      code: 'wrong-material',
      status: 422,
      detail: `serial ${id} is ${serial.materialName ?? serial.materialId} (${serial.materialId}); this needs ${materialIds.join(' or ')}`,
    };
  }
  return undefined;
}

/** One serialized unit consumed at an order's operation: consumed, with its `consume` movement. Refuses as serialConsumeRefusal says. */
export function consumeSerial(
  ctx: LotContext,
  serial: SerialUnit,
  request: { materialIds: readonly string[]; workOrderId: string; seq: number },
): SerialWrite {
  const refusal = serialConsumeRefusal(serial, request.materialIds);
  if (refusal) throw new LotNotConsumableError(refusal, '/body/serialId');
  const version = serial.version + 1;
  return {
    before: serial,
    after: { ...serial, status: 'consumed', updatedAt: ctx.now, updatedBy: ctx.actor.userId, version },
    movement: {
      type: 'consume',
      node: { kind: 'serial', id: serial.id },
      quantityChange: -1,
      quantityAfter: 0,
      workOrderId: request.workOrderId,
      seq: request.seq,
      at: ctx.now,
      by: ctx.actor.userId,
      version,
    },
  };
}
