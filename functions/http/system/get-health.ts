/** GET /v1/health: no token, no table. */
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/system.ts';

const version = process.env.APP_VERSION ?? 'dev';

export const handler = httpHandler(routes.getHealth, async () => ({
  body: { status: 'ok', version, time: new Date().toISOString() },
}));
