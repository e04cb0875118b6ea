/** POST /v1/maintenance-requests: a request on a unit, by a person or from one of its downtime events (linked both ways); with Idempotency-Key, a retry returns the first result. */
import * as z from 'zod/mini';
import { httpHandler } from '#functions/lib/http.ts';
import { maintenance } from '#functions/lib/maintenance-services.ts';
import { routes } from '#shared/api/routes/maintenance.ts';
import { ValidationError } from '#shared/domain/errors.ts';

const IdempotencyKeySchema = z.optional(z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/)));

export const handler = httpHandler(routes.raiseMaintenanceRequest, async ({ auth, body, headers }) => {
  const key = IdempotencyKeySchema.safeParse(headers['idempotency-key']);
  if (!key.success) {
    throw new ValidationError([{ pointer: '/headers/idempotency-key', detail: 'must be 1-255 visible ASCII characters' }]);
  }
  const { request, replayed } = await maintenance.raise(auth, body, key.data);
  return { body: request, headers: { location: `/v1/maintenance-requests/${request.id}`, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) } };
});
