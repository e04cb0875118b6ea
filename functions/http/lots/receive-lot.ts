/** POST /v1/lots: a lot received (or made by hand); with Idempotency-Key, a retry returns the first result. */
import * as z from 'zod/mini';
import { httpHandler } from '#functions/lib/http.ts';
import { lots } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';
import { ValidationError } from '#shared/domain/errors.ts';

const IdempotencyKeySchema = z.optional(z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/)));

export const handler = httpHandler(routes.receiveLot, async ({ auth, body, headers }) => {
  const key = IdempotencyKeySchema.safeParse(headers['idempotency-key']);
  if (!key.success) {
    throw new ValidationError([{ pointer: '/headers/idempotency-key', detail: 'must be 1-255 visible ASCII characters' }]);
  }
  const { lot, replayed } = await lots.receive(auth, body, key.data);
  return { body: lot, headers: { location: `/v1/lots/${lot.id}`, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) } };
});
