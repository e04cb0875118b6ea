/** POST /v1/nonconformances: open a nonconformance, holding what it names; with Idempotency-Key, a retry returns the first result. */
import * as z from 'zod/mini';
import { httpHandler } from '#functions/lib/http.ts';
import { nonconformances } from '#functions/lib/quality-services.ts';
import { routes } from '#shared/api/routes/nonconformances.ts';
import { ValidationError } from '#shared/domain/errors.ts';

const IdempotencyKeySchema = z.optional(z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/)));

export const handler = httpHandler(routes.reportNonconformance, async ({ auth, body, headers }) => {
  const key = IdempotencyKeySchema.safeParse(headers['idempotency-key']);
  if (!key.success) {
    throw new ValidationError([{ pointer: '/headers/idempotency-key', detail: 'must be 1-255 visible ASCII characters' }]);
  }
  const { nc, replayed } = await nonconformances.report(auth, body, key.data);
  return { body: nc, headers: { location: `/v1/nonconformances/${nc.id}`, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) } };
});
