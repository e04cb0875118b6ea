/** PUT /v1/shift-calendar: versioned and audited. */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.putShiftCalendar, async ({ auth, body, expectedVersion }) => {
  const { id: _, ...doc } = await masterData.put(auth, 'shift-calendar', 'shift-calendar', body, expectedVersion);
  return { body: doc };
});
