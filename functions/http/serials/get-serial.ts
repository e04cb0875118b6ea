/** GET /v1/serials/{id}: a serialized unit's record. */
import { serialRecords } from '#functions/lib/serial-record-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/genealogy.ts';

export const handler = httpHandler(routes.getSerial, async ({ auth, params }) => ({ body: await serialRecords.record(auth, params.id) }));
