/** PUT /v1/users/{id}/roles: an admin sets a user's plant roles; audited. */
import { users } from '#functions/lib/admin-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/admin.ts';
import { viewOf } from '#shared/domain/identity/users.ts';

export const handler = httpHandler(routes.setUserRoles, async ({ auth, params, body, expectedVersion }) => ({
  body: viewOf(await users.setRoles(auth, params.id, body.roles, expectedVersion)),
}));
