/**
 * Serial commands (issue 14): hold, release, ship. A serial is a sublot of one unit, made once
 * by the order that completes it (the work-order commands write it, version 1, status `made`).
 * Each command here is a pure function of the serial as read, its input, who acts and when: it
 * checks every rule first and throws before building anything, so a refused command writes
 * nothing. Its result is the serial after, one movement, one audit record (derived from the
 * difference) and its outbox event, which shared/db/serial-repository.ts writes in ONE
 * transaction (or hands to a recall's transaction, `serialChangeItems`).
 */
import { IllegalTransitionError } from '../errors.ts';
import { diff } from '../work-order/diff.ts';
import type { Actor, AuditRecord, OutboxEvent } from '../work-order/model.ts';
import type { Movement, NodeRef, SerialStatus, SerialUnit } from './model.ts';

/** The outbound webhook events of serials (docs/webhooks.md, docs/tracking.md). */
export const SERIAL_EVENT_TYPES = ['serial.held', 'serial.released', 'serial.shipped', 'serial.scrapped'] as const;
export type SerialEventType = (typeof SERIAL_EVENT_TYPES)[number];
export const isSerialEventType = (type: string): type is SerialEventType => (SERIAL_EVENT_TYPES as readonly string[]).includes(type);

/** A serial as stored: the serial and its outbox sequence counter (per serial, gap-free, from 1; absent: 0). */
export interface SerialAggregate extends SerialUnit {
  eventSeq?: number | undefined;
}

export interface SerialContext {
  tenantId: string;
  actor: Actor;
  now: string;
  newId: () => string;
}

/** One serial's change: as read and after, with its movement, audit record and events. */
export interface SerialChange {
  before: SerialAggregate;
  after: SerialAggregate;
  movement: Movement;
  audit: AuditRecord;
  events: OutboxEvent[];
}

export const serialRef = (id: string): NodeRef => ({ kind: 'serial', id });

/** The serial fields every serial event carries. */
export const serialSummary = (s: SerialUnit) => ({
  serialId: s.id,
  materialId: s.materialId,
  status: s.status,
  workOrderId: s.workOrderId,
  ...(s.lotId !== undefined ? { lotId: s.lotId } : {}),
});

export const SERIAL_STATUS_WORDS: Record<SerialStatus, string> = {
  made: 'made (available)',
  'on-hold': 'on hold',
  consumed: 'consumed (built into another unit)',
  scrapped: 'scrapped',
  shipped: 'shipped',
};

const IGNORED = new Set(['updatedAt', 'updatedBy', 'version', 'eventSeq']);

interface Step {
  type: Movement['type'];
  action: string;
  reason?: string | undefined;
  reference?: string | undefined;
  comment?: string | undefined;
  event: { type: SerialEventType; data: Record<string, unknown> };
}

function finish(ctx: SerialContext, before: SerialAggregate, next: SerialUnit, step: Step): SerialChange {
  const version = before.version + 1;
  const eventSeq = before.eventSeq ?? 0;
  const after: SerialAggregate = { ...next, updatedAt: ctx.now, updatedBy: ctx.actor.userId, version, eventSeq: eventSeq + 1 };
  return {
    before,
    after,
    movement: {
      type: step.type,
      node: serialRef(after.id),
      quantityChange: step.type === 'ship' || step.type === 'scrap' ? -1 : 0,
      quantityAfter: step.type === 'ship' || step.type === 'scrap' ? 0 : 1,
      ...(step.reason !== undefined ? { reason: step.reason } : {}),
      ...(step.reference !== undefined ? { reference: step.reference } : {}),
      at: ctx.now,
      by: ctx.actor.userId,
      version,
    },
    audit: {
      version,
      at: ctx.now,
      by: ctx.actor.userId,
      action: step.action,
      target: 'serial',
      ...(step.reason !== undefined ? { reason: step.reason } : {}),
      ...(step.comment !== undefined ? { comment: step.comment } : {}),
      changes: diff(before, after, IGNORED),
    },
    events: [
      {
        id: ctx.newId(),
        type: step.event.type,
        schemaVersion: 1,
        occurredAt: ctx.now,
        tenantId: ctx.tenantId,
        serialId: after.id,
        sequence: eventSeq + 1,
        data: step.event.data,
      },
    ],
  };
}

/** Holds a serial that was made: nothing may consume or ship it until quality releases it. */
export function holdSerial(ctx: SerialContext, serial: SerialAggregate, reason: string, recallId?: string): SerialChange {
  if (serial.status === 'on-hold') {
    throw new IllegalTransitionError(`serial ${serial.id} is on hold already (${serial.holdReason ?? 'no reason given'})`);
  }
  if (serial.status !== 'made') throw new IllegalTransitionError(`cannot hold serial ${serial.id}: it is ${SERIAL_STATUS_WORDS[serial.status]}`);
  const next: SerialUnit = { ...serial, status: 'on-hold', holdReason: reason };
  return finish(ctx, serial, next, {
    type: 'hold',
    action: 'serial.hold',
    reason,
    event: { type: 'serial.held', data: { ...serialSummary(next), reason, ...(recallId ? { recallId } : {}), by: ctx.actor.userId } },
  });
}

/** Quality releases a held serial: made (available) again. */
export function releaseSerial(ctx: SerialContext, serial: SerialAggregate, comment?: string): SerialChange {
  if (serial.status !== 'on-hold') {
    throw new IllegalTransitionError(`serial ${serial.id} is not on hold: it is ${SERIAL_STATUS_WORDS[serial.status]}`);
  }
  const { holdReason: _, ...rest } = serial;
  const next: SerialUnit = { ...rest, status: 'made' };
  return finish(ctx, serial, next, {
    type: 'release',
    action: 'serial.release',
    comment,
    event: { type: 'serial.released', data: { ...serialSummary(next), ...(comment ? { comment } : {}), by: ctx.actor.userId } },
  });
}

/** Ships a serial that was made: it leaves the plant. Held, consumed, scrapped or shipped ones cannot. */
export function shipSerial(
  ctx: SerialContext,
  serial: SerialAggregate,
  input: { reference?: string | undefined; comment?: string | undefined },
): SerialChange {
  if (serial.status === 'on-hold') {
    throw new IllegalTransitionError(
      `serial ${serial.id} is on hold (${serial.holdReason ?? 'no reason given'}): quality must release it before it ships`,
    );
  }
  if (serial.status !== 'made') throw new IllegalTransitionError(`cannot ship serial ${serial.id}: it is ${SERIAL_STATUS_WORDS[serial.status]}`);
  const next: SerialUnit = { ...serial, status: 'shipped' };
  return finish(ctx, serial, next, {
    type: 'ship',
    action: 'serial.ship',
    reference: input.reference,
    comment: input.comment,
    event: {
      type: 'serial.shipped',
      data: { ...serialSummary(next), ...(input.reference !== undefined ? { reference: input.reference } : {}), by: ctx.actor.userId },
    },
  });
}

/**
 * Scraps a serial (a nonconformance's scrap disposition, issue 15): made or held, it is written
 * off. One that was consumed, shipped or scrapped already cannot be.
 */
export function scrapSerial(
  ctx: SerialContext,
  serial: SerialAggregate,
  input: { reasonCode: string; nonconformanceId?: string | undefined; comment?: string | undefined },
): SerialChange {
  if (serial.status !== 'made' && serial.status !== 'on-hold') {
    throw new IllegalTransitionError(`cannot scrap serial ${serial.id}: it is ${SERIAL_STATUS_WORDS[serial.status]}`);
  }
  const { holdReason: _, ...rest } = serial;
  const next: SerialUnit = { ...rest, status: 'scrapped' };
  return finish(ctx, serial, next, {
    type: 'scrap',
    action: 'serial.scrap',
    reason: input.reasonCode,
    comment: input.comment,
    event: {
      type: 'serial.scrapped',
      data: {
        ...serialSummary(next),
        reasonCode: input.reasonCode,
        ...(input.nonconformanceId !== undefined ? { nonconformanceId: input.nonconformanceId } : {}),
        by: ctx.actor.userId,
      },
    },
  });
}

/** The port the serial commands and the recall read and write through (shared/db/serial-repository.ts). */
export interface SerialRepository {
  /** One strongly consistent GetItem. */
  get(tenantId: string, id: string): Promise<SerialAggregate | undefined>;
  /** The serials of these ids that exist, strongly consistent. */
  getMany(tenantId: string, ids: readonly string[]): Promise<SerialAggregate[]>;
  /** One TransactWriteItems; VersionConflictError when the serial changed since it was read. */
  commit(tenantId: string, change: SerialChange): Promise<void>;
}
