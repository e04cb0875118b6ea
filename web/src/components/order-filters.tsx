/**
 * The Work orders list's filters: status and work center, kept in the hash query
 * (`#/orders?status=RELEASED&workCenterId=wc-line-1`) so a filtered list can be bookmarked and
 * the back button undoes a filter.
 */
import { isWorkOrderStatus, WORK_ORDER_STATUSES, type WorkOrderStatus } from '../../../shared/domain/work-order/status.ts';
import { navigate } from '../router.ts';
import type { EquipmentIndex } from './plant-equipment.tsx';
import { stateWords } from './plant-unit-card.tsx';

export interface OrderFilter {
  status: WorkOrderStatus | '';
  workCenterId: string;
}

export function filterFromQuery(query: URLSearchParams): OrderFilter {
  const status = query.get('status') ?? '';
  return { status: isWorkOrderStatus(status) ? status : '', workCenterId: query.get('workCenterId') ?? '' };
}

/** A filter as the hash's query, and the list's key (the API's query is built from the filter itself). */
export function filterQuery(filter: OrderFilter): string {
  const q = new URLSearchParams();
  if (filter.status) q.set('status', filter.status);
  if (filter.workCenterId) q.set('workCenterId', filter.workCenterId);
  return q.toString();
}

const sentence = (words: string) => words.charAt(0).toUpperCase() + words.slice(1);

const go = (filter: OrderFilter) => {
  const q = filterQuery(filter);
  navigate(`/orders${q ? `?${q}` : ''}`);
};

export function OrderFilters({ filter, index }: { filter: OrderFilter; index: EquipmentIndex | undefined }) {
  const workCenters = index?.workCenters ?? [];
  return (
    // biome-ignore lint/a11y/useSemanticElements: a toolbar of labelled filters; a fieldset would add a border and a legend the design has not.
    <div class="toolbar" role="group" aria-label="Filters">
      <div class="field">
        <label for="filter-status">Status</label>
        <select
          id="filter-status"
          value={filter.status}
          onChange={(e) => go({ ...filter, status: (e.target as HTMLSelectElement).value as WorkOrderStatus | '' })}
        >
          <option value="">All statuses</option>
          {WORK_ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {sentence(stateWords(s))}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-work-center">Work center</label>
        <select
          id="filter-work-center"
          value={filter.workCenterId}
          onChange={(e) => go({ ...filter, workCenterId: (e.target as HTMLSelectElement).value })}
        >
          <option value="">All work centers</option>
          {filter.workCenterId && !index?.byId.has(filter.workCenterId) ? <option value={filter.workCenterId}>{filter.workCenterId}</option> : null}
          {workCenters.map((wc) => (
            <option key={wc.id} value={wc.id}>
              {wc.name}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
