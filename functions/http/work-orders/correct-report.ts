/** POST /v1/work-orders/{id}/corrections */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.correctReport, async ({ auth, params, body, expectedVersion }) => ({
  body: await workOrders.correctReport(auth, params.id, body, expectedVersion),
}));
