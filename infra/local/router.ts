/**
 * Matches a request path against the route table the way API Gateway does: `{name}` takes one
 * whole segment, and when two templates match, the one with more literal segments wins.
 */
import type { HttpMethod } from '../../shared/api/routes.ts';

export interface RouteLike {
  method: HttpMethod | 'OPTIONS';
  path: string;
}

export type RouteMatch<R extends RouteLike> =
  | { kind: 'found'; route: R; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

interface Compiled<R> {
  route: R;
  segments: string[];
  literals: number;
}

export function createRouter<R extends RouteLike>(routes: readonly R[]) {
  const compiled: Compiled<R>[] = routes.map((route) => {
    const segments = split(route.path);
    return { route, segments, literals: segments.filter((s) => !isParam(s)).length };
  });

  return (method: string, rawPath: string): RouteMatch<R> => {
    const segments = split(rawPath);
    const candidates = compiled
      .map((c) => ({ c, params: matchSegments(c.segments, segments) }))
      .filter((m): m is { c: Compiled<R>; params: Record<string, string> } => m.params !== undefined);
    if (candidates.length === 0) return { kind: 'not-found' };
    const forMethod = candidates.filter((m) => m.c.route.method === method).sort((a, b) => b.c.literals - a.c.literals);
    const best = forMethod[0];
    if (best) return { kind: 'found', route: best.c.route, pathParameters: best.params };
    return { kind: 'method-not-allowed', allow: [...new Set(candidates.map((m) => m.c.route.method))].sort() };
  };
}

const split = (path: string) => path.split('/').filter((s, i) => i > 0 || s !== '');
const isParam = (segment: string) => segment.startsWith('{') && segment.endsWith('}');

function matchSegments(template: string[], actual: string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, t] of template.entries()) {
    const value = actual[i] ?? '';
    if (isParam(t)) {
      if (value === '') return undefined;
      params[t.slice(1, -1)] = safeDecode(value);
    } else if (t !== value) {
      return undefined;
    }
  }
  return params;
}

function safeDecode(value: string) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
