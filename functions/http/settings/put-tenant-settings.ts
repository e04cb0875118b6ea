/** PUT /v1/tenant-settings: admin only, versioned and audited. */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.putTenantSettings, async ({ auth, body, expectedVersion }) => {
  const { id: _, ...settings } = await masterData.put(auth, 'settings', 'settings', body, expectedVersion);
  return { body: settings };
});
