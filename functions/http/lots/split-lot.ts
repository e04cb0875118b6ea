/** POST /v1/lots/{id}/split: quantities off the lot into new lots. */
import { httpHandler } from '#functions/lib/http.ts';
import { lots } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.splitLot, async ({ auth, params, body, expectedVersion }) => ({
  body: await lots.split(auth, params.id, body, expectedVersion),
}));
