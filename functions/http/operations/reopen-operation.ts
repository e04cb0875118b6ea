/** POST /v1/work-orders/{id}/operations/{seq}/reopen */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.reopenOperation, async ({ auth, params, body, expectedVersion }) => ({
  body: await workOrders.reopenOperation(auth, params.id, params.seq, body.reason, expectedVersion),
}));
