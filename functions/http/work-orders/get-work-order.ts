/** GET /v1/work-orders/{id}: the order with its operations; ETag is its version. */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.getWorkOrder, async ({ auth, params }) => ({
  body: await workOrders.get(auth, params.id),
}));
