/** Stored items <-> domain records: key attributes in, key attributes out. */
import { attachAuditHead } from './audit-chain.ts';
import { KEY_ATTRIBUTES } from './keys.ts';

const HIDDEN = new Set<string>([...KEY_ATTRIBUTES, 'order', 'workOrderId', 'tenantId', 'auditHead']);

/**
 * The domain record of a stored item. Its audit head (`auditHead`, issue 16) is no field of the
 * record: it rides along out of sight for the next write (audit-chain.ts auditHeadOf).
 */
export function stripKeys<T>(item: Record<string, unknown>, keep: readonly string[] = []): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!HIDDEN.has(k) || keep.includes(k)) out[k] = v;
  return attachAuditHead(out, item.auditHead) as T;
}
