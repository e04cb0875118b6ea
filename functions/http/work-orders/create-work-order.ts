/** POST /v1/work-orders: a PLANNED order; with Idempotency-Key, a retry returns the first result. */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';
import * as z from 'zod/mini';
import { ValidationError } from '#shared/domain/errors.ts';

const IdempotencyKeySchema = z.optional(z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/)));

export const handler = httpHandler(routes.createWorkOrder, async ({ auth, body, headers }) => {
  const key = IdempotencyKeySchema.safeParse(headers['idempotency-key']);
  if (!key.success) {
    throw new ValidationError([{ pointer: '/headers/idempotency-key', detail: 'must be 1-255 visible ASCII characters' }]);
  }
  const { order, replayed } = await workOrders.create(auth, body, key.data);
  return {
    body: order,
    headers: { location: `/v1/work-orders/${order.id}`, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) },
  };
});
