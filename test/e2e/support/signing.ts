/**
 * Signing in tests (issue 16): users get passwords through the local identity provider's
 * local-only endpoint, and a signature is a POST of both components to a record's signatures.
 */
import assert from 'node:assert/strict';
import { LOCAL_ONLY_PATHS } from '#shared/api/routes.ts';
import type { Api, Reply } from './mes.ts';

/** Gives a user of a tenant a password in the local identity provider (scrypt-hashed there). */
export async function withPassword(mes: { baseUrl: string }, tenantId: string, userId: string, password: string): Promise<void> {
  const res = await fetch(`${mes.baseUrl}${LOCAL_ONLY_PATHS.users}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantId, userId, password }),
  });
  assert.equal(res.status, 204, `the local identity provider refused the password: ${await res.text()}`);
}

/** Signs a record as `api`'s user: `path` is the record's signatures route (`/v1/lots/L-1/signatures`). */
export function sign(api: Api, path: string, password: string, meaning: string, comment?: string): Promise<Reply> {
  return api.post(path, { userId: api.userId, password, meaning, ...(comment ? { comment } : {}) });
}
