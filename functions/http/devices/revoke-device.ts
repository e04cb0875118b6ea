/** POST /v1/devices/{id}/revoke: its credentials stop working and its connection is closed; the record stays, with who and why. */
import { httpHandler } from '#functions/lib/http.ts';
import { devices } from '#functions/lib/device-services.ts';
import { routes } from '#shared/api/routes/devices.ts';

export const handler = httpHandler(routes.revokeDevice, async ({ auth, params, body }) => ({
  body: await devices.revoke(auth, params.id, body.reason),
}));
