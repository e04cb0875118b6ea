/** GET /v1/devices/{id}: one device or gateway, never its credentials. */
import { httpHandler } from '#functions/lib/http.ts';
import { devices } from '#functions/lib/device-services.ts';
import { routes } from '#shared/api/routes/devices.ts';

export const handler = httpHandler(routes.getDevice, async ({ auth, params }) => ({ body: await devices.get(auth, params.id) }));
