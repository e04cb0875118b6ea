/** POST /v1/inspections/{id}/results: one attempt, pass/fail decided here, in one transaction with the order. */
import { httpHandler } from '#functions/lib/http.ts';
import { inspections } from '#functions/lib/quality-services.ts';
import { routes } from '#shared/api/routes/inspections.ts';

export const handler = httpHandler(routes.recordInspectionResults, async ({ auth, params, body }) => ({
  body: await inspections.record(auth, params.id, body),
  status: 201,
}));
