/** POST /v1/lots/{id}/release: quality lifts a lot's hold. */
import { httpHandler } from '#functions/lib/http.ts';
import { lots } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.releaseLot, async ({ auth, params, body, expectedVersion }) => ({
  body: await lots.release(auth, params.id, body.comment, expectedVersion),
}));
