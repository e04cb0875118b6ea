/**
 * `#/orders?status=&workCenterId=`: work orders by status and work center, a page at a time ("Load more"). Polled: every page loaded so far is read again, so a status change
 * anywhere in the list shows within two seconds. Sorted by what needs attention (attentionRank);
 * cards on a phone, a table where it fits (768 px and wider).
 */
import { formatQuantity } from '../../../shared/domain/master-data/units.ts';
import { useEffect, useState } from 'preact/hooks';
import type { WorkOrder } from '../../../shared/api/schemas.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { useLive } from '../live.ts';
import { queryOf } from '../router.ts';
import { Button, ErrorNote, fmtDateTime, Loading, Page, StateBadge } from '../ui.tsx';
import { materialName, usePlantContext } from '../plant.ts';
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

const overdueOrder = (order: WorkOrder, now = Date.now()) => !FINISHED.includes(order.status) && isOverdue(order.dueDate, now);

/**
 * What needs attention first: in progress (running), on hold, released and overdue, released (by due date),
 * planned, completed; closed and cancelled last. Within a rank: due date, then priority.
 */
export function attentionRank(order: WorkOrder, now = Date.now()): number {
  switch (order.status) {
    case 'IN_PROGRESS':
      return 0;
    case 'ON_HOLD':
      return 1;
    case 'RELEASED':
      return overdueOrder(order, now) ? 2 : 3;
    case 'PLANNED':
      return 4;
    case 'COMPLETED':
      return 5;
    default:
      return 6;
  }
}

export function byAttention(orders: WorkOrder[], now = Date.now()): WorkOrder[] {
  return [...orders].sort(
    (a, b) =>
      attentionRank(a, now) - attentionRank(b, now) || a.dueDate.localeCompare(b.dueDate) || a.priority - b.priority || a.id.localeCompare(b.id),
  );
}

/** True while the screen is at least `px` wide (the table fits); follows rotation and resizing. */
function useWide(px = 768): boolean {
  const query = `(min-width: ${px}px)`;
  const [wide, setWide] = useState(() => matchMedia(query).matches);
  useEffect(() => {
    const media = matchMedia(query);
    const onChange = () => setWide(media.matches);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, [query]);
  return wide;
}

function Progress({ order }: { order: WorkOrder }) {
  const done = Math.min(order.producedQty, order.quantity);
  return (
    <progress
      class="order-progress"
      max={order.quantity || 1}
      value={done}
      aria-label={`${order.id}: ${formatQuantity(order.producedQty, order.uom)} made of ${formatQuantity(order.quantity, order.uom)}`}
    />
  );
}

function OrderCard({ order }: { order: WorkOrder }) {
  const overdue = overdueOrder(order);
  return (
    <li class="card order-card" data-testid={`order-${order.id}`} data-status={order.status}>
      <h2 class="entry-title">
        <a href={`#/orders/${encodeURIComponent(order.id)}`}>
          {materialName(order.materialId, order.materialName)}
          <span class="order-id"> · {order.id}</span>
        </a>
      </h2>
      <p class="badges">
        <StateBadge state={order.status} /> {overdue ? <strong class="error">Overdue</strong> : null}
      </p>
      <p class="order-qty">
        {formatQuantity(order.producedQty, order.uom)} made of {formatQuantity(order.quantity, order.uom)}
        {order.scrappedQty ? `, ${formatQuantity(order.scrappedQty, order.uom)} scrap` : ''}
      </p>
      <Progress order={order} />
      <p class="muted">
        Due <time dateTime={order.dueDate}>{fmtDateTime(order.dueDate)}</time> · priority {order.priority}
      </p>
    </li>
  );
}

function OrderRow({ order }: { order: WorkOrder }) {
  const overdue = overdueOrder(order);
  return (
    <tr data-testid={`order-${order.id}`} data-status={order.status}>
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
      <td>
        {materialName(order.materialId, order.materialName)}
        <span class="muted code"> {order.materialId}</span>
      </td>
      <td class="orders-num">{formatQuantity(order.quantity, order.uom)}</td>
      <td class="orders-num">
        {order.producedQty} / {order.scrappedQty}
        <Progress order={order} />
      </td>
    </tr>
  );
}

export default function WorkOrders({ path }: ScreenProps) {
  const filter = filterFromQuery(queryOf(path));
  const query = filterQuery(filter);
  const equipment = useEquipment();
  usePlantContext();
  const wide = useWide();
  // Pages loaded for this filter; another filter starts again at one page.
  const [paging, setPaging] = useState({ key: query, pages: 1 });
  const pages = paging.key === query ? paging.pages : 1;
  const list = useLive((signal) => loadPages(filter, pages, signal), [query, pages]);
  const data = list.data?.key === query ? list.data : undefined;
  const items = data ? byAttention(data.items) : [];
  const caption = data
    ? `${items.length} work order${items.length === 1 ? '' : 's'}${data.more ? ' shown, more to load' : ''}, what needs attention first`
    : '';

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
          {!wide ? (
            <section aria-labelledby="orders-caption">
              <p id="orders-caption" class="caption">
                {caption}
              </p>
              <ul class="cards plain-list">
                {items.map((o) => (
                  <OrderCard key={o.id} order={o} />
                ))}
              </ul>
            </section>
          ) : (
            // biome-ignore lint/a11y/useSemanticElements lint/a11y/noNoninteractiveTabindex: a scrolling table must be reachable by keyboard (axe scrollable-region-focusable), and a labelled region says what it is
            <div class="orders-scroll" role="region" aria-labelledby="orders-caption" tabIndex={0}>
              <table>
                <caption id="orders-caption" class="caption">
                  {caption}
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
                  {items.map((o) => (
                    <OrderRow key={o.id} order={o} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
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
