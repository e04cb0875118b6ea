/** GET /v1/plants/{id}/rate-limits: a plant's request limits, its own or the default (platform operators). */
import { plants, rateLimitsOf } from '#functions/lib/admin-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/admin.ts';

export const handler = httpHandler(routes.getPlantRateLimits, async ({ params }) => {
  await plants.get(params.id); // 404 for a plant the registry does not know
  return { body: await rateLimitsOf(params.id) };
});
