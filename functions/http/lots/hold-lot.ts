/** POST /v1/lots/{id}/hold: nothing may consume or ship the lot until quality releases it. */
import { httpHandler } from '#functions/lib/http.ts';
import { lots } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.holdLot, async ({ auth, params, body, expectedVersion }) => ({
  body: await lots.hold(auth, params.id, body.reason, expectedVersion),
}));
