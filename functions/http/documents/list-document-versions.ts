/** GET /v1/documents/{id}/versions: every version with its status now, and the audit trail. */
import { documents } from '#functions/lib/document-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/documents.ts';

export const handler = httpHandler(routes.listDocumentVersions, async ({ auth, params }) => ({ body: await documents.versions(auth, params.id) }));
