/** PUT /v1/downtime-reasons: versioned and audited. */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.putDowntimeReasons, async ({ auth, body, expectedVersion }) => {
  const { id: _, ...doc } = await masterData.put(auth, 'downtime-reasons', 'downtime-reasons', body, expectedVersion);
  return { body: doc };
});
