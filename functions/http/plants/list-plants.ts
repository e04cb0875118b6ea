/** GET /v1/plants: the platform's plants, by tenant id (platform operators). */
import { plants } from '#functions/lib/admin-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/admin.ts';
import { plantViewOf } from '#shared/domain/plants/service.ts';

export const handler = httpHandler(routes.listPlants, async ({ query }) => {
  const page = await plants.list(query);
  return { body: { ...page, items: page.items.map(plantViewOf) } };
});
