/**
 * The signatures of an order's batch record (issue 16, docs/batch-record.md), on the orders
 * function that owns the order: the last signature the plant's policy requires releases the record.
 */
import { PERMISSIONS } from '../../domain/roles.ts';
import { define } from '../route-def.ts';
import * as s from '../schemas.ts';
import { SignaturesSchema, SignRequestSchema } from '../signature-schemas.ts';

export const routes = define({
  signWorkOrderRecord: {
    method: 'POST',
    path: '/v1/work-orders/{id}/signatures',
    summary:
      "Sign a completed or closed order's batch record: re-enter your user id and password (21 CFR 11.200(a)) and say what the signature means. The signature binds the record's content hash (11.70); the last signature the plant's policy 'work-order.release-record' requires releases the record, which accepts no change after. A wrong password is a 401 (signature-refused), repeated ones lock signing (423).",
    tag: 'Records',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    body: SignRequestSchema,
    response: SignaturesSchema,
    successStatus: 201,
    handler: 'work-orders/sign-work-order-record',
    fn: 'orders',
    table: 'write',
  },
  listWorkOrderSignatures: {
    method: 'GET',
    path: '/v1/work-orders/{id}/signatures',
    summary: "The signatures of the order's batch record with their manifestations and validity, and what its policy still requires",
    tag: 'Records',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    response: SignaturesSchema,
    successStatus: 200,
    handler: 'work-orders/list-work-order-signatures',
    fn: 'orders',
    table: 'read',
  },
});
