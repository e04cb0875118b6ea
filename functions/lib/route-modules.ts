/**
 * What an API function knows of the route table at start: its routes by routeKey, and how a
 * route's `handler` becomes its module. On Lambda the bundler replaces this module, per API
 * function, with one holding that function's routes as literals and one static `import()` per
 * route, each a lazily loaded chunk (infra/constructs/api-function-code.ts): so the function
 * starts without loading any route or schema (a route's module then loads its own context's
 * routes and schemas, shared/api/routes/<function>.ts), and its asset holds only its own routes.
 * Everywhere else (local runtime, tests) it reads the route table and imports the source file.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { type ApiFunctionId, routeKeyOf } from '#shared/api/functions.ts';
import { routeList } from '#shared/api/routes.ts';

export type RouteHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
export interface RouteModule {
  handler?: RouteHandler;
}

/** routeKey (`GET /v1/work-orders/{id}`) to `handler` (`work-orders/get-work-order`), of one function's routes. */
export const routeTableOf = (fn: ApiFunctionId): ReadonlyMap<string, string> =>
  new Map(routeList.filter((r) => r.fn === fn).map((r) => [routeKeyOf(r), r.handler]));

export const loadRouteModule = (handler: string): Promise<RouteModule> => import(`../http/${handler}.ts`);
