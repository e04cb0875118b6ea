/** POST /v1/work-orders/{id}/operations/{seq}/pause: with a code of the plant's pause reason list (`reason` is its older name). */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.pauseOperation, async ({ auth, params, body, expectedVersion }) => {
  const reason =
    body.reasonCode !== undefined ? { code: body.reasonCode, pointer: '/body/reasonCode' } : { code: body.reason ?? '', pointer: '/body/reason' };
  return { body: await workOrders.pauseOperation(auth, params.id, params.seq, { ...reason, comment: body.comment }, expectedVersion) };
});
