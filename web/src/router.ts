/** Hash routing (`#/orders/WO-1`): a static host (S3 + CloudFront, or the local server) needs no rewrites. */
import { useEffect, useState } from 'preact/hooks';
import { currentPath } from './early.ts';

export { currentPath };

export function useRoute(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return path;
}

export const navigate = (path: string) => {
  location.hash = `#${path}`;
};

/** `/orders/:id` against `/orders/WO-1` → { id: 'WO-1' }; undefined when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const a = path.split('?')[0]?.split('/') ?? [];
  if (p.length !== a.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of p.entries()) {
    const actual = a[i] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return undefined;
  }
  return params;
}

/** Query parameters of the hash path (`#/orders?status=RELEASED`). */
export const queryOf = (path: string) => new URLSearchParams(path.split('?')[1] ?? '');
