/**
 * What a command needs and what it produces. A command is a pure function of the current
 * order, its input, who acts and when; the repository commits its result in one transaction.
 */
import type { AuditRecord, Operation, WorkOrder } from '../../api/schemas.ts';
import type { Role } from '../roles.ts';

export interface Actor {
  userId: string;
  name: string;
  roles: readonly Role[];
}

/** The order as stored: header fields, its operations, and the outbox sequence counter. */
export interface WorkOrderAggregate extends WorkOrder {
  operations: Operation[];
  /** Last per-order event sequence number used by the outbox. */
  eventSeq: number;
}

export const EVENT_TYPES = [
  'work-order.released',
  'work-order.started',
  'work-order.held',
  'work-order.resumed',
  'work-order.completed',
  'work-order.cancelled',
  'work-order.closed',
  'operation.started',
  'operation.completed',
  'production.reported',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface OutboxEvent {
  id: string;
  type: EventType;
  /** Version of the event's data schema. */
  schemaVersion: 1;
  occurredAt: string;
  tenantId: string;
  workOrderId: string;
  /** Per-order, gap-free sequence number. */
  sequence: number;
  data: Record<string, unknown>;
}

export interface CommandResult {
  before: WorkOrderAggregate | undefined;
  after: WorkOrderAggregate;
  /** Operations whose stored item changes (by seq). */
  changedOperations: number[];
  audit: AuditRecord;
  events: OutboxEvent[];
}
