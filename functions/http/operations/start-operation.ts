/** POST /v1/work-orders/{id}/operations/{seq}/start */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.startOperation, async ({ auth, params, body, expectedVersion }) => ({
  body: await workOrders.startOperation(auth, params.id, params.seq, body.comment, expectedVersion, body.qualificationOverride),
}));
