/** POST /v1/work-orders/{id}/resume */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.resumeWorkOrder, async ({ auth, params, body, expectedVersion }) => ({
  body: await workOrders.resume(auth, params.id, body.comment, expectedVersion),
}));
