/**
 * `#/orders?status=&workCenterId=`: work orders by status and work center, a page at a time ("Load more"). Polled: every page loaded so far is read again, so a status change
 * anywhere in the list shows within two seconds.
 */
import { useState } from 'preact/hooks';
import type { WorkOrder } from '../../../shared/api/schemas.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { useLive } from '../live.ts';
import { queryOf } from '../router.ts';
import { Button, ErrorNote, fmtDateTime, Loading, Page, StateBadge } from '../ui.tsx';
import { filterFromQuery, filterQuery, type OrderFilter, OrderFilters } from '../components/order-filters.tsx';
import { useEquipment } from '../components/plant-equipment.tsx';
import { isOverdue } from '../components/dispatch-entry.tsx';
import { NewOrderButton } from '../components/new-order-dialog.tsx';
import { currentSession } from '../auth.ts';

const PAGE_SIZE = 50;
const FINISHED = ['COMPLETED', 'CLOSED', 'CANCELLED'];

interface Loaded {
  /** The filter these items belong to: a changed filter shows "Loading" rather than the old list. */
  key: string;
  items: WorkOrder[];
  more: boolean;
}

async function loadPages(filter: OrderFilter, pages: number, signal: AbortSignal): Promise<Loaded> {
  const items: WorkOrder[] = [];
  const query = {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.workCenterId ? { workCenterId: filter.workCenterId } : {}),
    limit: PAGE_SIZE,
  };
  let cursor: string | undefined;
  let loaded = 0;
  do {
    const page = await api.call('listWorkOrders', { query: { ...query, ...(cursor ? { cursor } : {}) }, signal });
    items.push(...page.items);
    cursor = page.nextCursor;
    loaded++;
  } while (cursor && loaded < pages);
  return { key: filterQuery(filter), items, more: !!cursor };
}

function OrderRow({ order }: { order: WorkOrder }) {
  const overdue = !FINISHED.includes(order.status) && isOverdue(order.dueDate);
  return (
    <tr data-testid={`order-${order.id}`}>
      <th scope="row">
        <a href={`#/orders/${encodeURIComponent(order.id)}`}>{order.id}</a>
      </th>
      <td>
        <StateBadge state={order.status} />
      </td>
      <td>
        <time dateTime={order.dueDate}>{fmtDateTime(order.dueDate)}</time>
        {overdue ? <strong class="error"> overdue</strong> : null}
      </td>
      <td class="orders-num">{order.priority}</td>
      <td>{order.materialId}</td>
      <td class="orders-num">{order.quantity}</td>
      <td class="orders-num">
        {order.producedQty} / {order.scrappedQty}
      </td>
    </tr>
  );
}

export default function WorkOrders({ path }: ScreenProps) {
  const filter = filterFromQuery(queryOf(path));
  const query = filterQuery(filter);
  const equipment = useEquipment();
  // Pages loaded for this filter; another filter starts again at one page.
  const [paging, setPaging] = useState({ key: query, pages: 1 });
  const pages = paging.key === query ? paging.pages : 1;
  const list = useLive((signal) => loadPages(filter, pages, signal), [query, pages]);
  const data = list.data?.key === query ? list.data : undefined;

  return (
    <Page title="Work orders" actions={<NewOrderButton roles={currentSession()?.roles ?? []} />}>
      <OrderFilters filter={filter} index={equipment.index} />
      <ErrorNote error={list.error} />
      {!data ? (
        list.error ? null : (
          <Loading />
        )
      ) : data.items.length === 0 ? (
        <p data-testid="orders-empty">No work orders match these filters.</p>
      ) : (
        <>
          {/* biome-ignore lint/a11y/useSemanticElements lint/a11y/noNoninteractiveTabindex: a scrolling table must be reachable by keyboard (axe scrollable-region-focusable), and a labelled region says what it is */}
          <div class="orders-scroll" role="region" aria-labelledby="orders-caption" tabIndex={0}>
            <table>
              <caption id="orders-caption" class="caption">
                {data.items.length} work order{data.items.length === 1 ? '' : 's'}
                {data.more ? ' shown, more to load' : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Status</th>
                  <th scope="col">Due</th>
                  <th scope="col" class="orders-num">
                    Priority
                  </th>
                  <th scope="col">Material</th>
                  <th scope="col" class="orders-num">
                    Quantity
                  </th>
                  <th scope="col" class="orders-num">
                    Produced / scrapped
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((o) => (
                  <OrderRow key={o.id} order={o} />
                ))}
              </tbody>
            </table>
          </div>
          {data.more ? (
            <p class="load-more">
              <Button onClick={() => setPaging({ key: query, pages: pages + 1 })}>Load more</Button>
            </p>
          ) : null}
        </>
      )}
    </Page>
  );
}
