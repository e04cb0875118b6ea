/** PUT /v1/documents/{id}: the document, or a new draft version of it. */
import { documents } from '#functions/lib/document-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/documents.ts';

export const handler = httpHandler(routes.putDocument, async ({ auth, params, body, expectedVersion }) => ({
  body: await documents.put(auth, params.id, body, expectedVersion),
}));
