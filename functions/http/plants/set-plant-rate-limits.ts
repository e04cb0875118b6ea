/** PUT /v1/plants/{id}/rate-limits: a platform operator sets a plant's own request limits (audited on the plant's chain). */
import { plants, setRateLimits } from '#functions/lib/admin-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/admin.ts';

export const handler = httpHandler(routes.setPlantRateLimits, async ({ auth, params, body }) => {
  await plants.get(params.id); // 404 for a plant the registry does not know
  return { body: await setRateLimits(auth, params.id, body) };
});
