/**
 * Who is the person (issue 18 shared contract): the caller's personnel id is the user record's
 * `personnelId` when the user record (`{t}#USER`, issue 17) names one, else the personnel record
 * whose id equals the user id (the demo personas: user `p-olivia` is personnel `p-olivia`).
 */
import type { AuthContext } from '../../auth/claims.ts';

/** The personnel id a user record names, if it names one (one GetItem of the user record). */
export type PersonnelLinkLookup = (tenantId: string, userId: string) => Promise<string | undefined>;

export async function personnelIdOf(auth: Pick<AuthContext, 'tenantId' | 'userId'>, linkOf: PersonnelLinkLookup): Promise<string> {
  return (await linkOf(auth.tenantId, auth.userId)) ?? auth.userId;
}
