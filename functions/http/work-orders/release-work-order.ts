/** POST /v1/work-orders/{id}/release */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.releaseWorkOrder, async ({ auth, params, body, expectedVersion }) => ({
  body: await workOrders.release(auth, params.id, body.comment, expectedVersion),
}));
