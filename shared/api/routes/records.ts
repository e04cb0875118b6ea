/** The records API function's routes (issue 16, docs/batch-record.md): the batch record and device history record, read-only. */
import { PERMISSIONS } from '../../domain/roles.ts';
import * as r from '../record-schemas.ts';
import { define } from '../route-def.ts';
import * as s from '../schemas.ts';

const pdf = [
  {
    mediaType: 'application/pdf',
    description: 'The same record as a paginated PDF (Accept: application/pdf): exceptions first, every section, the signatures as printed',
  },
] as const;

export const routes = define({
  getWorkOrderRecord: {
    method: 'GET',
    path: '/v1/work-orders/{id}/record',
    summary:
      "The order's batch record (21 CFR 211.188) / device history record (820.184): exceptions first, then the order and its operations with who and when, recorded values with their limits, materials with supplier lots, machine data, inspections, nonconformances, holds, corrections, downtime and signatures. JSON, or a PDF with Accept: application/pdf.",
    tag: 'Records',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    response: r.BatchRecordSchema,
    successStatus: 200,
    handler: 'records/get-work-order-record',
    fn: 'records',
    table: 'read',
    alternateResponses: pdf,
  },
  getSerialRecord: {
    method: 'GET',
    path: '/v1/serials/{id}/record',
    summary:
      "One serial's device history record (21 CFR 820.184): its own history and its order's record narrowed to it. JSON, or a PDF with Accept: application/pdf.",
    tag: 'Records',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    response: r.DeviceHistoryRecordSchema,
    successStatus: 200,
    handler: 'records/get-serial-record',
    fn: 'records',
    table: 'read',
    alternateResponses: pdf,
  },
});
