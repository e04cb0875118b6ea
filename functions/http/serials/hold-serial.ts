/** POST /v1/serials/{id}/hold: nothing may consume or ship the serial until quality releases it. */
import { httpHandler } from '#functions/lib/http.ts';
import { serials } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.holdSerial, async ({ auth, params, body, expectedVersion }) => ({
  body: await serials.hold(auth, params.id, body.reason, expectedVersion),
}));
