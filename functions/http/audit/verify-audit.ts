/** GET /v1/audit/verify: the chains written to in a window, checked; ok or the first broken link. */
import { audit } from '#functions/lib/audit-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/audit.ts';

export const handler = httpHandler(routes.verifyAudit, async ({ auth, query }) => ({ body: await audit.verify(auth, query) }));
