/**
 * The work order and operation state machines, written once: the Lambda handlers enforce
 * them and the web app asks them which actions to offer. Pure: no I/O, no clock.
 */
export const WORK_ORDER_STATUSES = ['PLANNED', 'RELEASED', 'IN_PROGRESS', 'ON_HOLD', 'COMPLETED', 'CLOSED', 'CANCELLED'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];
export const isWorkOrderStatus = (v: unknown): v is WorkOrderStatus =>
  typeof v === 'string' && (WORK_ORDER_STATUSES as readonly string[]).includes(v);

export const OPERATION_STATUSES = ['PENDING', 'READY', 'RUNNING', 'PAUSED', 'DONE'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];
export const isOperationStatus = (v: unknown): v is OperationStatus => typeof v === 'string' && (OPERATION_STATUSES as readonly string[]).includes(v);

/** Operations that show on a work center's dispatch list. */
export const DISPATCHABLE_OPERATION_STATUSES = ['READY', 'RUNNING', 'PAUSED'] as const satisfies readonly OperationStatus[];
export const isDispatchable = (s: OperationStatus) => (DISPATCHABLE_OPERATION_STATUSES as readonly string[]).includes(s);

/** Actions a person takes on a work order; `to: 'heldFrom'` returns to where the hold came from. */
export const WORK_ORDER_ACTIONS = {
  release: { from: ['PLANNED'], to: 'RELEASED' },
  hold: { from: ['RELEASED', 'IN_PROGRESS'], to: 'ON_HOLD' },
  resume: { from: ['ON_HOLD'], to: 'heldFrom' },
  cancel: { from: ['PLANNED', 'RELEASED', 'ON_HOLD'], to: 'CANCELLED' },
  close: { from: ['COMPLETED'], to: 'CLOSED' },
} as const satisfies Record<string, { from: readonly WorkOrderStatus[]; to: WorkOrderStatus | 'heldFrom' }>;
export type WorkOrderAction = keyof typeof WORK_ORDER_ACTIONS;

/**
 * Actions on an operation: the operation's own states, and the order states in which each may
 * happen. Pause and report stay possible on hold (stopping work and recording what was made are
 * always allowed); start, resume and complete are not.
 */
export const OPERATION_ACTIONS = {
  start: { from: ['READY'], to: 'RUNNING', orderIn: ['RELEASED', 'IN_PROGRESS'] },
  pause: { from: ['RUNNING'], to: 'PAUSED', orderIn: ['IN_PROGRESS', 'ON_HOLD'] },
  resume: { from: ['PAUSED'], to: 'RUNNING', orderIn: ['IN_PROGRESS'] },
  report: { from: ['RUNNING', 'PAUSED'], to: null, orderIn: ['IN_PROGRESS', 'ON_HOLD'] },
  complete: { from: ['RUNNING', 'PAUSED'], to: 'DONE', orderIn: ['IN_PROGRESS'] },
} as const satisfies Record<string, { from: readonly OperationStatus[]; to: OperationStatus | null; orderIn: readonly WorkOrderStatus[] }>;
export type OperationAction = keyof typeof OPERATION_ACTIONS;

export interface StateView {
  status: WorkOrderStatus;
  heldFrom?: WorkOrderStatus | undefined;
}

export function canWorkOrder(action: WorkOrderAction, order: StateView): boolean {
  const rule = WORK_ORDER_ACTIONS[action];
  if (!(rule.from as readonly string[]).includes(order.status)) return false;
  return action !== 'resume' || order.heldFrom !== undefined;
}

export function canOperation(action: OperationAction, order: StateView, operation: { status: OperationStatus }): boolean {
  const rule = OPERATION_ACTIONS[action];
  return (rule.from as readonly string[]).includes(operation.status) && (rule.orderIn as readonly string[]).includes(order.status);
}

/** The actions the state machines allow now (roles are checked separately). */
export const allowedWorkOrderActions = (order: StateView) =>
  (Object.keys(WORK_ORDER_ACTIONS) as WorkOrderAction[]).filter((a) => canWorkOrder(a, order));
export const allowedOperationActions = (order: StateView, operation: { status: OperationStatus }) =>
  (Object.keys(OPERATION_ACTIONS) as OperationAction[]).filter((a) => canOperation(a, order, operation));

/**
 * Corrections and reopening (corrections.ts): while the order's record is still open. A closed
 * or cancelled order's record is final.
 */
export const CORRECTABLE_ORDER_STATUSES = ['IN_PROGRESS', 'ON_HOLD', 'COMPLETED'] as const satisfies readonly WorkOrderStatus[];
export const canCorrect = (order: StateView) => (CORRECTABLE_ORDER_STATUSES as readonly string[]).includes(order.status);
/** A DONE operation may be reopened (back to READY) while the order's record is open. */
export const canReopen = (order: StateView, operation: { status: OperationStatus }) => operation.status === 'DONE' && canCorrect(order);
