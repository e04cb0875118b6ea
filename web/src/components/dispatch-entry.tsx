/**
 * One operation on a work center's dispatch list: which order and step, what it makes, how far
 * it is, how urgent, and a link to the order where the actions are.
 */
import type { DispatchEntry } from '../../../shared/api/schemas.ts';
import { formatQuantity } from '../../../shared/domain/master-data/units.ts';
import { fmtAgo, fmtDateTime, StateBadge } from '../ui.tsx';
import { materialName } from '../plant.ts';

export const isOverdue = (dueDate: string, now = Date.now()) => new Date(dueDate).getTime() < now;

export function DispatchEntryCard({ entry }: { entry: DispatchEntry }) {
  const href = `#/orders/${encodeURIComponent(entry.workOrderId)}`;
  return (
    <li class="card dispatch-entry" data-testid={`dispatch-${entry.workOrderId}-${entry.seq}`}>
      <h3 class="entry-title">
        <a href={href}>
          {entry.workOrderId} · operation {entry.seq}: {entry.name}
        </a>
      </h3>
      <p class="badges">
        <StateBadge state={entry.status} />
        {entry.workOrderStatus === 'ON_HOLD' ? (
          <>
            {' '}
            <span class="muted">order</span> <StateBadge state={entry.workOrderStatus} />
          </>
        ) : null}
      </p>
      <dl class="kv">
        <dt>Material</dt>
        <dd>{materialName(entry.materialId, entry.materialName)}</dd>
        <dt>Quantity</dt>
        <dd>
          {formatQuantity(entry.goodQty, entry.uom)} good · {formatQuantity(entry.scrapQty, entry.uom)} scrap of{' '}
          {formatQuantity(entry.quantity, entry.uom)}
        </dd>
        <dt>Priority</dt>
        <dd>{entry.priority}</dd>
        <dt>Due</dt>
        <dd>
          <time dateTime={entry.dueDate}>{fmtDateTime(entry.dueDate)}</time>
          {isOverdue(entry.dueDate) ? <strong class="error"> overdue</strong> : null}
        </dd>
        {entry.startedAt ? (
          <>
            <dt>Started</dt>
            <dd>
              <time dateTime={entry.startedAt}>{fmtDateTime(entry.startedAt)}</time> ({fmtAgo(entry.startedAt)})
            </dd>
          </>
        ) : null}
      </dl>
    </li>
  );
}
