/** POST /v1/lots/{id}/stage: put a lot at a work center, where a backflush draws from it, or back to stores. */
import { httpHandler } from '#functions/lib/http.ts';
import { lots } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.stageLot, async ({ auth, params, body, expectedVersion }) => ({
  body: await lots.stage(auth, params.id, body.workCenterId ?? undefined, body.comment, expectedVersion),
}));
