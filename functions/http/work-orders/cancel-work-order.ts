/** POST /v1/work-orders/{id}/cancel */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.cancelWorkOrder, async ({ auth, params, body, expectedVersion }) => ({
  body: await workOrders.cancel(auth, params.id, body.reason, expectedVersion),
}));
