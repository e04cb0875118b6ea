/**
 * Devices and gateways, in the admin API function (issue 17, docs/devices.md): an admin
 * registers a unit or a gateway and gets its credentials once, lists and reads them, and
 * revokes one (it is stopped at once). On AWS register and revoke call IoT Core (`uses: iot`).
 */
import { PERMISSIONS } from '../../domain/roles.ts';
import * as d from '../device-schemas.ts';
import { define } from '../route-def.ts';
import * as s from '../schemas.ts';

export const routes = define({
  registerDevice: {
    method: 'POST',
    path: '/v1/devices',
    summary:
      'Register a unit (equipmentId) or a gateway (gatewayId, units) and get its credentials: shown in this answer only (on AWS an IoT thing, a certificate and its private key; locally a broker password). A revoked device may be registered again: it gets new credentials.',
    tag: 'Devices',
    roles: PERMISSIONS.manageDevices,
    body: d.RegisterDeviceSchema,
    response: d.RegisteredDeviceSchema,
    successStatus: 201,
    handler: 'devices/register-device',
    fn: 'admin',
    table: 'write',
    uses: ['iot'],
  },
  listDevices: {
    method: 'GET',
    path: '/v1/devices',
    summary: 'The registered units and gateways, by id, with when they were last heard from (never their credentials)',
    tag: 'Devices',
    roles: PERMISSIONS.manageDevices,
    query: s.PageQuerySchema,
    response: s.page(d.DeviceSchema),
    successStatus: 200,
    handler: 'devices/list-devices',
    fn: 'admin',
    table: 'read',
  },
  getDevice: {
    method: 'GET',
    path: '/v1/devices/{id}',
    summary: 'A registered unit or gateway (never its credentials)',
    tag: 'Devices',
    roles: PERMISSIONS.manageDevices,
    params: s.IdParamsSchema,
    response: d.DeviceSchema,
    successStatus: 200,
    handler: 'devices/get-device',
    fn: 'admin',
    table: 'read',
  },
  revokeDevice: {
    method: 'POST',
    path: '/v1/devices/{id}/revoke',
    summary:
      'Revoke a device: its credentials stop working and its connection is closed at once (on AWS: the certificate deactivated and detached, the MQTT connection deleted). Revoking a revoked device changes nothing.',
    tag: 'Devices',
    roles: PERMISSIONS.manageDevices,
    params: s.IdParamsSchema,
    body: d.RevokeDeviceSchema,
    response: d.DeviceSchema,
    successStatus: 200,
    handler: 'devices/revoke-device',
    fn: 'admin',
    table: 'write',
    uses: ['iot'],
  },
});
