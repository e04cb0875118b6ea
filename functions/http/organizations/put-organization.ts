/** putOrganization: see shared/api/routes/organization.ts. */
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/organization.ts';

export const handler = httpHandler(routes.putOrganization, async () => {
  throw new Error('organizations: not implemented yet (contract commit)');
});
