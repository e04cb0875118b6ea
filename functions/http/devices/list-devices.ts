/** GET /v1/devices: the tenant's devices and gateways, by id, never their credentials. */
import { httpHandler } from '#functions/lib/http.ts';
import { devices } from '#functions/lib/device-services.ts';
import { routes } from '#shared/api/routes/devices.ts';

export const handler = httpHandler(routes.listDevices, async ({ auth, query }) => ({ body: await devices.list(auth, query) }));
