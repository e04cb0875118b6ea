/** GET /v1/recalls/{id}: the recall, its counts and what had left the plant. */
import { httpHandler } from '#functions/lib/http.ts';
import { recalls } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';
import { NotFoundError } from '#shared/domain/errors.ts';

export const handler = httpHandler(routes.getRecall, async ({ auth, params }) => {
  const recall = await recalls.find(auth, params.id);
  if (!recall) throw new NotFoundError(`recall ${params.id}`);
  return { body: recall };
});
