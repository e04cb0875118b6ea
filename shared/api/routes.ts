/**
 * THE route table. CDK, the local HTTP server, the OpenAPI document and the web client all read
 * it. Each API function's routes are declared in routes/<function>.ts (what a route is:
 * route-def.ts): `handler` names the file under functions/http/ that exports the route's
 * `handler`, `fn` the API function (a bounded context, shared/api/functions.ts) that serves it.
 * On AWS each API function is one Lambda behind the HTTP API's routes of its context: it finds
 * the route by the event's routeKey and imports the route's module on first use, and that
 * module imports only its own function's routes; so a route costs one API Gateway route, not a
 * function, and the routes of other contexts never load in a function. Tests check each route
 * has exactly one handler file and one function.
 */
import type { RouteDef } from './route-def.ts';
import { routes as admin } from './routes/admin.ts';
import { routes as audit } from './routes/audit.ts';
import { routes as devices } from './routes/devices.ts';
import { routes as documents } from './routes/documents.ts';
import { routes as equipment } from './routes/equipment.ts';
import { routes as genealogy } from './routes/genealogy.ts';
import { routes as inspections } from './routes/inspections.ts';
import { routes as integration } from './routes/integration.ts';
import { routes as maintenance } from './routes/maintenance.ts';
import { routes as masterData } from './routes/master-data.ts';
import { routes as nonconformances } from './routes/nonconformances.ts';
import { routes as orders } from './routes/orders.ts';
import { routes as organization } from './routes/organization.ts';
import { routes as records } from './routes/records.ts';
import { routes as workOrderSignatures } from './routes/work-order-signatures.ts';
import { routes as spc } from './routes/spc.ts';
import { routes as system } from './routes/system.ts';
import { routes as tracking } from './routes/tracking.ts';

export type { HttpMethod, RouteDef } from './route-def.ts';

export const routes = {
  ...system,
  ...masterData,
  ...orders,
  ...equipment,
  ...integration,
  ...tracking,
  ...genealogy,
  ...inspections,
  ...nonconformances,
  ...spc,
  ...audit,
  ...records,
  ...workOrderSignatures,
  ...documents,
  ...organization,
  ...admin,
  ...devices,
  ...maintenance,
};

export type RouteId = keyof typeof routes;
export const routeList = Object.entries(routes).map(([id, def]) => ({ id: id as RouteId, ...(def as RouteDef) }));

/**
 * Routes that exist only in the local runtime (never deployed): the local identity provider, and
 * device credentials, the local stand-in for registering a thing with its certificate.
 */
export const LOCAL_ONLY_PATHS = {
  token: '/local/token',
  jwks: '/local/.well-known/jwks.json',
  deviceCredentials: '/local/device-credentials',
  /**
   * Cognito's own protocol (POST, `X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth`,
   * USER_PASSWORD_AUTH), served from the local users' scrypt-hashed passwords: the signing
   * password check (PasswordVerifier) runs the same code locally and on AWS (issue 16).
   */
  cognito: '/local/cognito',
  /** Sets a local user's password (tests and the demo): POST { tenantId, userId, password }. */
  users: '/local/users',
} as const;
