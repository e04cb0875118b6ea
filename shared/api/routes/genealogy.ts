/** The genealogy routes of the tracking API function: the trace of a lot or a serial, both ways. */
import { PERMISSIONS } from '../../domain/roles.ts';
import * as g from '../genealogy-schemas.ts';
import { define, type RouteDef } from '../route-def.ts';

const traceRoute = (resource: 'lots' | 'serials', what: string) =>
  ({
    method: 'GET',
    path: `/v1/${resource}/{id}/genealogy`,
    summary: `Trace of ${what}: backward to the supplier lots it came from, or forward to every lot and serial made from it; every level, paged by nodes`,
    tag: 'Genealogy',
    roles: PERMISSIONS.read,
    params: g.TraceParamsSchema,
    query: g.TraceQuerySchema,
    response: g.TraceSchema,
    successStatus: 200,
    handler: `genealogy/trace-${resource === 'lots' ? 'lot' : 'serial'}`,
    fn: 'tracking',
    table: 'read',
  }) satisfies RouteDef;

export const routes = define({
  traceLot: traceRoute('lots', 'a lot'),
  traceSerial: traceRoute('serials', 'a serial number'),
  getSerial: {
    method: 'GET',
    path: '/v1/serials/{id}',
    summary:
      "A serialized unit's record: its order, each operation with who and when, recorded data, the machine data of its operations, and the lots and serials consumed into it",
    tag: 'Genealogy',
    roles: PERMISSIONS.read,
    params: g.TraceParamsSchema,
    response: g.SerialRecordSchema,
    successStatus: 200,
    handler: 'serials/get-serial',
    fn: 'tracking',
    table: 'read',
  },
});
