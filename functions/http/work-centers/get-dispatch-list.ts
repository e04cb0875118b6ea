/** GET /v1/work-centers/{id}/dispatch-list: READY, RUNNING, PAUSED operations by priority, then due date. */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.getDispatchList, async ({ auth, params, query }) => ({
  body: await workOrders.dispatchList(auth, params.id, query),
}));
