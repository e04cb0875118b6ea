/** GET /v1/qualifications/expiring?withinDays=30: computed at read time. */
import { httpHandler } from '#functions/lib/http.ts';
import { qualifications } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.getExpiringQualifications, async ({ auth, query }) => ({
  body: await qualifications.expiring(auth, query.withinDays),
}));
