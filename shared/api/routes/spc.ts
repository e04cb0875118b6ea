/**
 * The SPC routes of the quality API function (issue 15, docs/spc.md): a characteristic's control
 * chart over a window, and the baseline the quality role freezes for it.
 */
import { PERMISSIONS } from '../../domain/roles.ts';
import { define } from '../route-def.ts';
import * as s from '../spc-schemas.ts';

export const routes = define({
  getSpcChart: {
    method: 'GET',
    path: '/v1/characteristics/{id}/spc',
    summary:
      'Control chart of a characteristic (inspection characteristic, recorded value or machine process value) over a window of at most 92 days (default the last 30): points with the Nelson rules they break, limits from the frozen baseline or from the data, spec limits, Cp, Cpk, Pp, Ppk',
    tag: 'SPC',
    roles: PERMISSIONS.read,
    params: s.CharacteristicParamsSchema,
    query: s.SpcChartQuerySchema,
    response: s.SpcChartSchema,
    successStatus: 200,
    handler: 'characteristics/get-spc-chart',
    fn: 'quality',
    table: 'read',
  },
  freezeBaseline: {
    method: 'POST',
    path: '/v1/characteristics/{id}/baseline',
    summary:
      "Freeze a characteristic's centre line and control limits from a window of its data (at least 20 subgroups): a new baseline version, audited, in force from now; values written after it are checked against it",
    tag: 'SPC',
    roles: PERMISSIONS.freezeBaseline,
    params: s.CharacteristicParamsSchema,
    body: s.FreezeBaselineSchema,
    response: s.BaselineSchema,
    successStatus: 201,
    handler: 'characteristics/freeze-baseline',
    fn: 'quality',
    table: 'write',
  },
});
