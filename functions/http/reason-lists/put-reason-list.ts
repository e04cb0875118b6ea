/** PUT /v1/reason-lists/{list}: versioned and audited; every code of the list before stays (retired, not removed). */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.putReasonList, async ({ auth, params, body, expectedVersion }) => ({
  body: await masterData.putReasonList(auth, params.list, body, expectedVersion),
}));
