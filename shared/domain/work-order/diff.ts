/** Field-level differences between two records, for the audit trail (old -> new values). */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

export function diff(before: object, after: object, ignore: ReadonlySet<string> = new Set()): FieldChange[] {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const fields = new Set([...Object.keys(b), ...Object.keys(a)]);
  const changes: FieldChange[] = [];
  for (const field of fields) {
    if (ignore.has(field) || same(b[field], a[field])) continue;
    changes.push({ field, from: b[field] ?? null, to: a[field] ?? null });
  }
  return changes;
}
