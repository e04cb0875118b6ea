/**
 * The canonical form of a record, and its hash: what the audit chain links (issue 16,
 * docs/part-11.md) and what a signature is bound to. JSON Canonicalization Scheme (RFC 8785):
 * object members sorted by their names' UTF-16 code units, no whitespace, strings and numbers as
 * ECMAScript's JSON.stringify writes them (which is what RFC 8785 specifies). Members whose
 * value is `undefined` are left out, as JSON.stringify leaves them out. Anyone can recompute it
 * from an export with any RFC 8785 library and SHA-256.
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') throw new TypeError(`canonical JSON has no ${typeof value}`);
    if (typeof value === 'bigint') throw new TypeError('canonical JSON has no bigint');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const members = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 of a string's UTF-8 bytes, as 64 lowercase hex digits. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The hash of a record's canonical form. */
export const contentHash = (value: unknown): string => sha256Hex(canonicalJson(value));

/** The previous hash of a chain's first record. */
export const GENESIS_HASH = '0'.repeat(64);
