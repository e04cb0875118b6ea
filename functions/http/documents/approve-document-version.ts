/** POST /v1/documents/{id}/versions/{version}/approve: a signature, and the approval once the policy is complete. */
import { documents } from '#functions/lib/document-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/documents.ts';

export const handler = httpHandler(routes.approveDocumentVersion, async ({ auth, params, body, expectedVersion }) => ({
  body: await documents.approve(auth, params.id, params.version, body, expectedVersion),
}));
