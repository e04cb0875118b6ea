/** POST /v1/devices: register a unit or a gateway; its credentials are in this answer only. */
import { httpHandler } from '#functions/lib/http.ts';
import { devices } from '#functions/lib/device-services.ts';
import { routes } from '#shared/api/routes/devices.ts';

export const handler = httpHandler(routes.registerDevice, async ({ auth, body }) => {
  const registered = await devices.register(auth, body);
  return { body: registered, headers: { location: `/v1/devices/${registered.device.id}` } };
});
