/**
 * The policy 'work-order.release-record' as the record applies it. INTERIM until i16-sign's
 * shared/domain/signatures/policy.ts lands: the same shape (SignaturePolicy) and the issue's
 * default (a review by production and an approval by quality, by two different people); the
 * merge replaces `defaultReleasePolicy` with the plant's policy and `releaseStatus` with
 * i16-sign's `policyStatus`.
 */
import type { Role } from '../roles.ts';
import type { RecordSignature } from './model.ts';
import { RELEASE_RECORD_ACTION } from './model.ts';

export interface ReleasePolicy {
  action: string;
  required: { meaning: string; roles: Role[] }[];
  distinctSigners: boolean;
}

export const defaultReleasePolicy: ReleasePolicy = {
  action: RELEASE_RECORD_ACTION,
  required: [
    { meaning: 'review', roles: ['supervisor', 'admin'] },
    { meaning: 'approval', roles: ['quality', 'admin'] },
  ],
  distinctSigners: true,
};

/** Which required meanings no valid signature (by a different person each, when the policy says so) covers yet. */
export function releaseStatus(policy: ReleasePolicy, valid: readonly Pick<RecordSignature, 'meaning' | 'signerId'>[]) {
  const used = new Set<string>();
  const missing: { meaning: string; roles: string[] }[] = [];
  for (const req of policy.required) {
    const match = valid.find((s) => s.meaning === req.meaning && !(policy.distinctSigners && used.has(s.signerId)));
    if (match) used.add(match.signerId);
    else missing.push({ meaning: req.meaning, roles: [...req.roles] });
  }
  return { complete: missing.length === 0, missing };
}
