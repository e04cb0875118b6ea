/** GET /v1/state-changes?since=: the live feed of state changes, in the order they arrived. */
import { httpHandler } from '#functions/lib/http.ts';
import { telemetry } from '#functions/lib/telemetry-services.ts';
import { routes } from '#shared/api/routes/equipment.ts';

export const handler = httpHandler(routes.listStateChanges, async ({ auth, query }) => ({
  body: await telemetry.stateChanges(auth, query.since, query.limit),
}));
