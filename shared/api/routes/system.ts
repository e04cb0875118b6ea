/** The routes of the system API function: public, no data (health, the OpenAPI document). */
import * as z from 'zod/mini';
import * as s from '../schemas.ts';
import { define } from '../route-def.ts';

export const routes = define({
  getHealth: {
    method: 'GET',
    path: '/v1/health',
    summary: 'Liveness check',
    tag: 'System',
    roles: null,
    response: s.HealthSchema,
    successStatus: 200,
    handler: 'system/get-health',
    fn: 'system',
    table: 'none',
  },
  getOpenApi: {
    method: 'GET',
    path: '/v1/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'System',
    roles: null,
    response: z.record(z.string(), z.unknown()),
    successStatus: 200,
    handler: 'system/get-open-api',
    fn: 'system',
    table: 'none',
  },
});
