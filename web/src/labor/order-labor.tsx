/**
 * An order's labor against standard, per operation (issue 18, docs/labor.md): actual setup,
 * run and rework time (the fair split applied) beside the routing's standard. Small: a table.
 */
import type { WorkOrderLabor } from '../../../shared/api/labor-schemas.ts';
import { api } from '../api.ts';
import { useLive } from '../live.ts';
import { ErrorNote } from '../ui.tsx';

const h = (minutes: number) => (minutes >= 60 ? `${(minutes / 60).toFixed(1)} h` : `${Math.round(minutes)} min`);

function Row({ op }: { op: WorkOrderLabor['operations'][number] }) {
  const standard = op.standardSetupMinutes + op.standardRunMinutes;
  const actual = op.actualSetupMinutes + op.actualRunMinutes + op.actualReworkMinutes;
  return (
    <tr data-testid={`labor-op-${op.seq}`}>
      <td>
        {op.seq} {op.name}
        {op.onNow.length ? <span class="muted"> · on now: {op.onNow.map((p) => p.personName).join(', ')}</span> : null}
      </td>
      <td class="num">{standard ? h(standard) : '–'}</td>
      <td class={`num${standard && actual > standard ? ' labor-over' : ''}`}>
        {h(actual)}
        {op.actualReworkMinutes ? <span class="muted"> (rework {h(op.actualReworkMinutes)})</span> : null}
      </td>
    </tr>
  );
}

export function OrderLabor({ workOrderId }: { workOrderId: string }) {
  const live = useLive((signal) => api.call('getWorkOrderLabor', { params: { id: workOrderId }, signal }), [workOrderId], { intervalMs: 30_000 });
  if (!live.data) return <ErrorNote error={live.error} />;
  const worked = live.data.operations.filter((o) => o.standardSetupMinutes + o.standardRunMinutes > 0 || o.people.length);
  if (!worked.length) return <p class="muted">No labor booked yet.</p>;
  return (
    <table class="labor-table" data-testid="order-labor">
      <thead>
        <tr>
          <th>Operation</th>
          <th class="num">Standard</th>
          <th class="num">Actual</th>
        </tr>
      </thead>
      <tbody>
        {worked.map((op) => (
          <Row key={op.seq} op={op} />
        ))}
      </tbody>
    </table>
  );
}
