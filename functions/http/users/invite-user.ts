/** POST /v1/users: an admin invites a user with plant roles; a temporary password only where no e-mail carries it, this once. */
import { users } from '#functions/lib/admin-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/admin.ts';
import { viewOf } from '#shared/domain/identity/users.ts';

export const handler = httpHandler(routes.inviteUser, async ({ auth, body }) => {
  const { user, temporaryPassword } = await users.invite(auth, body);
  return {
    body: { user: viewOf(user), ...(temporaryPassword ? { temporaryPassword } : {}) },
    headers: { location: `/v1/users/${user.userId}` },
  };
});
