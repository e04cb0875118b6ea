/** GET /v1/plants/{id}: one plant of the platform (platform operators). */
import { plants } from '#functions/lib/admin-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/admin.ts';
import { plantViewOf } from '#shared/domain/plants/service.ts';

export const handler = httpHandler(routes.getPlant, async ({ params }) => ({ body: plantViewOf(await plants.get(params.id)) }));
