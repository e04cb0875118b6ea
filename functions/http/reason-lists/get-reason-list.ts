/** GET /v1/reason-lists/{list}: one list, or its default (version 0) until a planner saves it. */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.getReasonList, async ({ auth, params }) => ({ body: await masterData.reasonList(auth, params.list) }));
