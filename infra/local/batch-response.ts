/** The partial batch response Lambda's event source mappings read, as the local runtime reads it. */

/** Reads `{ batchItemFailures: [{ itemIdentifier }] }`; as on AWS, an unknown or empty identifier fails the whole batch. */
export function failedItems(result: unknown, ids: Set<string>): Set<string> | 'all' {
  const failures = (result as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const failed = new Set<string>();
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}
