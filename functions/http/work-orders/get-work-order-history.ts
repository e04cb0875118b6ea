/** GET /v1/work-orders/{id}/history: the audit trail, oldest first. */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.getWorkOrderHistory, async ({ auth, params, query }) => ({
  body: await workOrders.history(auth, params.id, query),
}));
