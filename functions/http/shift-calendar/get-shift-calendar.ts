/** GET /v1/shift-calendar: 404 until a planner saves it. */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.getShiftCalendar, async ({ auth }) => {
  const { id: _, ...doc } = await masterData.get(auth, 'shift-calendar', 'shift-calendar');
  return { body: doc };
});
