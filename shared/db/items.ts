/** Stored items <-> domain records: key attributes in, key attributes out. */
import { KEY_ATTRIBUTES } from './keys.ts';

const HIDDEN = new Set<string>([...KEY_ATTRIBUTES, 'order', 'workOrderId', 'tenantId']);

export function stripKeys<T>(item: Record<string, unknown>, keep: readonly string[] = []): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!HIDDEN.has(k) || keep.includes(k)) out[k] = v;
  return out as T;
}
