/** GET /v1/work-orders?status=&workCenterId=: by status, then due date. */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.listWorkOrders, async ({ auth, query }) => ({
  body: await workOrders.list(auth, { status: query.status, workCenterId: query.workCenterId }, query),
}));
