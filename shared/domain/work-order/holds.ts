/**
 * Holds come in two kinds. A production hold (material shortage, machine down) is placed and
 * lifted by supervisors; a quality hold (suspect product) by quality, and a supervisor cannot
 * lift it: the people who found the problem decide when it is solved. Admins may do both.
 */
import { ForbiddenError } from '../errors.ts';
import type { Role } from '../roles.ts';

export const HOLD_KINDS = ['production', 'quality'] as const;
export type HoldKind = (typeof HOLD_KINDS)[number];

export const HOLD_ROLES = {
  production: ['supervisor', 'admin'],
  quality: ['quality', 'admin'],
} as const satisfies Record<HoldKind, readonly Role[]>;

export const mayHandleHold = (kind: HoldKind, roles: readonly Role[]) => roles.some((r) => (HOLD_ROLES[kind] as readonly Role[]).includes(r));

/** Without an explicit kind, quality people place quality holds and everyone else production holds. */
export const defaultHoldKind = (roles: readonly Role[]): HoldKind =>
  roles.includes('quality') && !roles.includes('supervisor') && !roles.includes('admin') ? 'quality' : 'production';

export function assertMayHandleHold(kind: HoldKind, roles: readonly Role[], verb: 'place' | 'lift'): void {
  if (!mayHandleHold(kind, roles)) {
    throw new ForbiddenError(`only ${HOLD_ROLES[kind].join(' or ')} may ${verb} a ${kind} hold`);
  }
}
