/**
 * POST /v1/integrations/erp/events?credential=<id>: an ERP event (JSON) or a B2MML
 * ProductionSchedule (XML), signed with Standard Webhooks. Public route: the signature, checked
 * against the named credential's secrets, is the authentication. A redelivery of a webhook-id
 * answers what the first delivery did, with `idempotent-replayed: true`.
 */
import { httpHandler } from '#functions/lib/http.ts';
import { erpInbound } from '#functions/lib/integration-services.ts';
import { admitRequest } from '#functions/lib/rate-limit.ts';
import { routes } from '#shared/api/routes/integration.ts';
import { withTenantScope } from '#shared/db/tenant-scope.ts';
import { credentialTenant } from '#shared/integration/credentials.ts';

export const handler = httpHandler(routes.receiveErpEvent, async ({ query, headers, rawBody }) => {
  // The route let only its media types through; parameters such as charset do not matter here.
  const contentType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  // Public route: the tenant is the one the credential id names (its signature is checked
  // inside), and everything the delivery reads or writes stays in that tenant's scope.
  const { body, replayed } = await withTenantScope(credentialTenant(query.credential), () =>
    erpInbound.receive({
      credentialId: query.credential,
      headers,
      rawBody,
      contentType,
      // Fair use: the credential's plant, once the signature holds (docs/fair-use.md).
      admit: admitRequest,
    }),
  );
  return { body, ...(replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}) };
});
