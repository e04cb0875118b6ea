/**
 * The entry of an API function (shared/api/functions.ts): API Gateway has matched the route
 * already, so the function looks it up by the event's routeKey and calls its handler, importing
 * the route's module on first use (once; a failed import is tried again next time). Cold start
 * therefore pays for the routes called, not for the routes served.
 *
 * Not Powertools' event handler: its Router would match the path again and needs every route
 * registered with it, a second route table; the middy chain behind each route already does
 * validation, auth and problem+json.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { ApiFunctionId } from '#shared/api/functions.ts';
import { loadRouteModule, type RouteHandler, type RouteModule, routeTableOf } from '#functions/lib/route-modules.ts';

export interface ApiFunctionOptions {
  /** routeKey to `handler`; default the function's routes in the route table. */
  routes?: ReadonlyMap<string, string>;
  /** Imports a route's module by its `handler`. */
  load?: (handler: string) => Promise<RouteModule>;
}

export function apiFunction(id: ApiFunctionId, options: ApiFunctionOptions = {}) {
  const routes = options.routes ?? routeTableOf(id);
  const load = options.load ?? loadRouteModule;
  const loaded = new Map<string, Promise<RouteHandler>>();

  const handlerOf = (handler: string): Promise<RouteHandler> => {
    let loading = loaded.get(handler);
    if (!loading) {
      loading = load(handler).then((mod) => {
        if (typeof mod.handler !== 'function') throw new Error(`functions/http/${handler} exports no handler`);
        return mod.handler;
      });
      loading.catch(() => loaded.delete(handler));
      loaded.set(handler, loading);
    }
    return loading;
  };

  return async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyResultV2> => {
    const handler = routes.get(event.routeKey);
    if (!handler) {
      // Only a deployment that disagrees with the route table gets here: answer, do not crash.
      // Imported here, so that the entry itself loads nothing but its routes' table.
      const [{ problemResponse }, { NotFoundError }] = await Promise.all([import('./problem.ts'), import('#shared/domain/errors.ts')]);
      return problemResponse(new NotFoundError(`route ${event.routeKey} of the ${id} function`), {
        instance: event.rawPath,
        correlationId: event.requestContext?.requestId,
        awsRequestId: context?.awsRequestId,
      });
    }
    return (await handlerOf(handler))(event, context);
  };
}
