/** POST /v1/lots/{id}/scrap: write off a quantity (all that is left by default), with a scrap reason. */
import { httpHandler } from '#functions/lib/http.ts';
import { lots } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.scrapLot, async ({ auth, params, body, expectedVersion }) => ({
  body: await lots.scrap(auth, params.id, body, expectedVersion),
}));
