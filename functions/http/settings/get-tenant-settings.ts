/** GET /v1/tenant-settings: 404 until an admin saves them (defaults apply meanwhile). */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.getTenantSettings, async ({ auth }) => {
  const { id: _, ...settings } = await masterData.get(auth, 'settings', 'settings');
  return { body: settings };
});
