/** GET /v1/reason-lists: the plant's scrap, pause and hold reason lists (defaults until saved). */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.getReasonLists, async ({ auth }) => ({ body: await masterData.reasonLists(auth) }));
