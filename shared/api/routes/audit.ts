/** The audit trail's routes (issue 16, docs/part-11.md "Audit trail (11.10(e))"): the read-only audit API function. */
import { PERMISSIONS, PLATFORM_PERMISSIONS } from '../../domain/roles.ts';
import * as a from '../audit-schemas.ts';
import { define } from '../route-def.ts';

export const routes = define({
  listAudit: {
    method: 'GET',
    path: '/v1/audit',
    summary:
      "Read the audit trail: one record's (entity and id: a work order, lot, serial, recall, nonconformance, SPC characteristic, integration credential, webhook endpoint, downtime reason, user, plant (platform operators), any master data kind or the settings), in the order written; or the tenant's by time (from, to; at most 92 days). Every record carries its chain fields, so an export of all pages is what `npm run audit:verify` checks.",
    tag: 'Audit trail',
    // Platform operators read their own tenant's trail (the plant registry's; issue 17), never a plant's.
    roles: [...PERMISSIONS.readAudit, ...PLATFORM_PERMISSIONS.managePlants],
    query: a.AuditQuerySchema,
    response: a.AuditPageSchema,
    successStatus: 200,
    handler: 'audit/list-audit',
    fn: 'audit',
    table: 'read',
  },
  verifyAudit: {
    method: 'GET',
    path: '/v1/audit/verify',
    summary:
      'Verify the audit chains written to in a window (from, to; to defaults to now): each whole chain, its link to the head its record carries and to the latest checkpoint naming it. Answers ok, or the first broken link (chain, record, number, what is wrong).',
    tag: 'Audit trail',
    roles: PERMISSIONS.verifyAudit,
    query: a.AuditVerifyQuerySchema,
    response: a.AuditVerificationSchema,
    successStatus: 200,
    handler: 'audit/verify-audit',
    uses: ['auditAnchor'],
    fn: 'audit',
    table: 'read',
  },
});
