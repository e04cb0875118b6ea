/** GET /v1/users: the plant's users with their roles (admins). */
import { users } from '#functions/lib/admin-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/admin.ts';
import { viewOf } from '#shared/domain/identity/users.ts';

export const handler = httpHandler(routes.listUsers, async ({ auth, query }) => {
  const page = await users.list(auth, query);
  return { body: { ...page, items: page.items.map(viewOf) } };
});
