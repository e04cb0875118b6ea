/** GET /v1/documents: a page of the plant's controlled documents, by id. */
import { documents } from '#functions/lib/document-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/documents.ts';

export const handler = httpHandler(routes.listDocuments, async ({ auth, query }) => ({ body: await documents.list(auth, query) }));
