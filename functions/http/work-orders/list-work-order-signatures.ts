/** GET /v1/work-orders/{id}/signatures: the record's signatures with their validity, and what its policy still requires. */
import { httpHandler } from '#functions/lib/http.ts';
import { recordSigning } from '#functions/lib/record-signing-services.ts';
import { routes } from '#shared/api/routes/work-order-signatures.ts';

export const handler = httpHandler(routes.listWorkOrderSignatures, async ({ auth, params }) => ({ body: await recordSigning.list(auth, params.id) }));
