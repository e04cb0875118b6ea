/** POST /v1/plants: a platform operator creates a plant in one go; the same request again finishes one that stopped half-way. */
import { plants } from '#functions/lib/admin-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/admin.ts';
import { plantViewOf } from '#shared/domain/plants/service.ts';

export const handler = httpHandler(routes.createPlant, async ({ auth, body }) => {
  const { plant, firstAdmin, created } = await plants.create(auth, body);
  return {
    body: { plant: plantViewOf(plant), firstAdmin },
    status: created ? 201 : 200,
    headers: { location: `/v1/plants/${plant.tenantId}` },
  };
});
