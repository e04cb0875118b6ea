/** GET /v1/audit: one record's audit trail, or the tenant's by time, with the chain fields; another tenant's record is a 404. */
import { audit } from '#functions/lib/audit-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/audit.ts';

export const handler = httpHandler(routes.listAudit, async ({ auth, query }) => ({ body: await audit.trail(auth, query) }));
