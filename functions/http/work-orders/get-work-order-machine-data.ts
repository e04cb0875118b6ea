/** GET /v1/work-orders/{id}/machine-data: machine counts and process values per operation. */
import { httpHandler } from '#functions/lib/http.ts';
import { telemetry } from '#functions/lib/telemetry-services.ts';
import { routes } from '#shared/api/routes/equipment.ts';

export const handler = httpHandler(routes.getWorkOrderMachineData, async ({ auth, params }) => ({
  body: await telemetry.machineData(auth, params.id),
}));
