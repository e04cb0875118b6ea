/** POST /v1/lots/{id}/ship: a quantity of the lot (all that is left by default) leaves the plant; a held lot cannot. */
import { httpHandler } from '#functions/lib/http.ts';
import { lots } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.shipLot, async ({ auth, params, body, expectedVersion }) => ({
  body: await lots.ship(auth, params.id, body, expectedVersion),
}));
