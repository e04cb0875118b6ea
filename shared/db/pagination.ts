/**
 * Opaque list cursors: the LastEvaluatedKey, base64url JSON. A cursor is checked against the
 * partition being queried, so a crafted cursor can never reach another tenant's items.
 */
import { ValidationError } from '../domain/errors.ts';

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

/** The attributes a LastEvaluatedKey has: the table's keys, plus the index's when querying one. */
export const cursorAttributes = (index?: { partitionKey: string; sortKey: string }) =>
  index ? [index.partitionKey, index.sortKey, 'pk', 'sk'] : ['pk', 'sk'];

/** `acme#` of `acme#WO`: every partition key of a tenant starts so (keys.ts). */
const tenantPrefix = (partitionValue: string) => partitionValue.slice(0, partitionValue.indexOf('#') + 1);

export function decodeCursor(
  cursor: string | undefined,
  attributes: readonly string[],
  partitionAttribute: string,
  partitionValue: string,
): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      key &&
      typeof key === 'object' &&
      !Array.isArray(key) &&
      Object.keys(key).length === attributes.length &&
      attributes.every((a) => typeof (key as Record<string, unknown>)[a] === 'string') &&
      (key as Record<string, string>)[partitionAttribute] === partitionValue &&
      // An index's cursor carries the table's key too: the same tenant's, or the client's guard
      // (tenant-guard.ts) would refuse the page as a bug (500) rather than as bad input here.
      attributes.every((a) => !a.endsWith('pk') || (key as Record<string, string>)[a]?.startsWith(tenantPrefix(partitionValue)))
    ) {
      return key as Record<string, string>;
    }
  } catch {
    // fall through to the one error below
  }
  throw new ValidationError([{ pointer: '/query/cursor', detail: 'is not a cursor this list returned' }]);
}
