/**
 * Reopen a done operation (a supervisor's way out of a completion that passed nothing on, or
 * that came too early): offered only when the state machine (canReopen) and the role
 * (PERMISSIONS.reopenOperation) allow it, with a required reason. It is recorded in the
 * order's history; later operations that had not started wait again.
 */
import type { Operation, WorkOrderDetail } from '../../../shared/api/schemas.ts';
import { PERMISSIONS, type Role } from '../../../shared/domain/roles.ts';
import { canReopen } from '../../../shared/domain/work-order/status.ts';
import { api, ApiError } from '../api.ts';
import { ConfirmAction } from '../ui.tsx';
import type { OnOutcome } from './order-actions.tsx';

export const mayReopen = (order: WorkOrderDetail, op: Operation, roles: readonly Role[]) =>
  canReopen(order, op) && roles.some((r) => (PERMISSIONS.reopenOperation as readonly Role[]).includes(r));

export function ReopenAction(props: { order: WorkOrderDetail; op: Operation; roles: readonly Role[]; reload: () => void; onOutcome: OnOutcome }) {
  const { order, op, roles, reload, onOutcome } = props;
  if (!mayReopen(order, op, roles)) return null;
  const next = order.operations[order.operations.findIndex((o) => o.seq === op.seq) + 1];
  const waits = next && next.status === 'READY' && !next.startedAt ? ` Operation ${next.seq} has not started and waits again.` : '';
  const completed = order.status === 'COMPLETED' ? ' The order is in progress again.' : '';
  return (
    <div class="actions">
      <ConfirmAction
        label="Reopen"
        kind="plain"
        title={`Reopen operation ${op.seq} (${op.name})`}
        question={`Operation ${op.seq} goes back to ready: its operator starts it again and reports what was made.${waits}${completed} What it reported so far stays.`}
        fields={[{ name: 'reason', label: 'Reason', type: 'text', required: true }]}
        run={async (v) => {
          try {
            await api.call('reopenOperation', {
              params: { id: order.id, seq: op.seq },
              body: { reason: (v.reason ?? '').trim() },
              ifMatch: order.version,
            });
            onOutcome(undefined);
          } catch (error) {
            if (error instanceof ApiError && error.status !== 400 && error.status !== 422)
              onOutcome({ target: String(op.seq), text: `Reopen: ${error.plain}` });
            throw error;
          }
        }}
        after={reload}
      />
    </div>
  );
}
