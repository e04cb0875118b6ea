/**
 * Plant signature policies (issue 16 section 2): which signatures an action needs, from which
 * roles, and whether by different people. Plants set them in their settings
 * (`signaturePolicies`, `signatureMeanings`); an action the plant did not set uses the default
 * below. Pure: the web app uses it to say what is still missing, the services to refuse.
 */
import type { PlantRole, Role } from '../roles.ts';
import { SignatureNotAllowedError } from './errors.ts';
import {
  type PolicyStatus,
  SIGNATURE_MEANINGS,
  type SignatureMeaningDef,
  type SignaturePolicy,
  type SignatureView,
  type SignedAction,
  STANDARD_MEANING_TEXT,
} from './model.ts';

export const DEFAULT_SIGNATURE_POLICIES: Record<SignedAction, SignaturePolicy> = {
  'work-order.release-record': {
    action: 'work-order.release-record',
    required: [
      { meaning: 'review', roles: ['supervisor'] },
      { meaning: 'approval', roles: ['quality'] },
    ],
    distinctSigners: true,
  },
  // The second person of a use-as-is decision: the owner also refuses the person who decided it.
  'nonconformance.use-as-is': { action: 'nonconformance.use-as-is', required: [{ meaning: 'approval', roles: ['quality'] }], distinctSigners: true },
  'lot.release': { action: 'lot.release', required: [{ meaning: 'approval', roles: ['quality'] }], distinctSigners: true },
  // An admin may stand in for quality, as on every quality route (PERMISSIONS.approveDocuments).
  'document.approve': { action: 'document.approve', required: [{ meaning: 'approval', roles: ['quality', 'admin'] }], distinctSigners: true },
};

/** What the signature settings look like (a slice of TenantSettingsInput). */
export interface SignatureSettings {
  signaturePolicies?: SignaturePolicy[] | undefined;
  signatureMeanings?: SignatureMeaningDef[] | undefined;
}

/** The plant's policy for an action, or the default. */
export function policyFor(settings: SignatureSettings | undefined, action: SignedAction): SignaturePolicy {
  return settings?.signaturePolicies?.find((p) => p.action === action) ?? DEFAULT_SIGNATURE_POLICIES[action];
}

/** The words printed with a meaning: the plant's own, else the standard's; undefined for an unknown code. */
export function meaningText(settings: SignatureSettings | undefined, code: string): string | undefined {
  const own = settings?.signatureMeanings?.find((m) => m.code === code);
  if (own) return own.text;
  return (SIGNATURE_MEANINGS as readonly string[]).includes(code) ? STANDARD_MEANING_TEXT[code as keyof typeof STANDARD_MEANING_TEXT] : undefined;
}

/** Every meaning a signer may pick: the standard four and the plant's own. */
export function meaningsOf(settings: SignatureSettings | undefined): { code: string; text: string }[] {
  const own = settings?.signatureMeanings ?? [];
  const standard = SIGNATURE_MEANINGS.filter((m) => !own.some((o) => o.code === m)).map((m) => ({ code: m, text: STANDARD_MEANING_TEXT[m] }));
  return [...standard, ...own];
}

/**
 * Which required signatures the valid signatures fill. A signature fills a requirement of its
 * meaning (its signer's role was checked when it was accepted, `acceptSignature`); with
 * `distinctSigners`, one person fills one requirement at most. Invalid signatures fill nothing.
 */
export function policyStatus(policy: SignaturePolicy, signatures: readonly SignatureView[]): PolicyStatus {
  const usable = signatures.filter((s) => s.valid);
  const usedSignatures = new Set<string>();
  const usedSigners = new Set<string>();
  const missing: { meaning: string; roles: PlantRole[] }[] = [];
  for (const req of policy.required) {
    const match = usable.find(
      (s) => s.meaning === req.meaning && !usedSignatures.has(s.id) && !(policy.distinctSigners && usedSigners.has(s.signerId)),
    );
    if (!match) {
      missing.push(req);
      continue;
    }
    usedSignatures.add(match.id);
    usedSigners.add(match.signerId);
  }
  return { complete: missing.length === 0, missing };
}

/**
 * Refuses a signature the policy has no place for: a meaning it does not ask for (or asks for
 * no more), a signer without one of the roles asked for, or (distinct signers) a person who has
 * signed already. `others` are people who may not sign at all (who decided a use-as-is).
 */
export function acceptSignature(
  policy: SignaturePolicy,
  existing: readonly SignatureView[],
  signer: { userId: string; roles: readonly Role[] },
  meaning: string,
  others: readonly string[] = [],
): void {
  if (others.includes(signer.userId)) {
    throw new SignatureNotAllowedError('the person who decided this may not also sign it: a second, different person must sign');
  }
  const { missing } = policyStatus(policy, existing);
  if (policy.distinctSigners && existing.some((s) => s.valid && s.signerId === signer.userId)) {
    throw new SignatureNotAllowedError('you have signed this record already: the next signature must be by a different person');
  }
  const open = missing.filter((m) => m.meaning === meaning);
  if (open.length === 0) {
    const asked = missing.map((m) => m.meaning).join(', ');
    throw new SignatureNotAllowedError(
      asked ? `this record needs no ${meaning} signature now; it needs: ${asked}` : `this record needs no further signatures`,
    );
  }
  if (!open.some((m) => m.roles.some((r) => signer.roles.includes(r)))) {
    throw new SignatureNotAllowedError(`a ${meaning} signature here must be by ${open.flatMap((m) => m.roles).join(' or ')}`);
  }
}
