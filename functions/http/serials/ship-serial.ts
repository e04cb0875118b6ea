/** POST /v1/serials/{id}/ship: the unit leaves the plant (not when held, consumed, scrapped or shipped). */
import { httpHandler } from '#functions/lib/http.ts';
import { serials } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.shipSerial, async ({ auth, params, body, expectedVersion }) => ({
  body: await serials.ship(auth, params.id, body, expectedVersion),
}));
