/** GET /v1/downtime-reasons: 404 until a planner saves it. */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.getDowntimeReasons, async ({ auth }) => {
  const { id: _, ...doc } = await masterData.get(auth, 'downtime-reasons', 'downtime-reasons');
  return { body: doc };
});
