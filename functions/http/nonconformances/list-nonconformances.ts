/** GET /v1/nonconformances?status=: a page of nonconformances, newest first. */
import { httpHandler } from '#functions/lib/http.ts';
import { nonconformances } from '#functions/lib/quality-services.ts';
import { routes } from '#shared/api/routes/nonconformances.ts';

export const handler = httpHandler(routes.listNonconformances, async ({ auth, query }) => ({
  body: await nonconformances.list(auth, query.status, query),
}));
