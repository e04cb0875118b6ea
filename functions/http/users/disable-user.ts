/** POST /v1/users/{id}/disable: the user can no longer sign in; the record stays (records name them). */
import { users } from '#functions/lib/admin-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/admin.ts';
import { viewOf } from '#shared/domain/identity/users.ts';

export const handler = httpHandler(routes.disableUser, async ({ auth, params }) => ({ body: viewOf(await users.disable(auth, params.id)) }));
