/**
 * INTERIM (i16-record): i16-sign's functions/lib/signing.ts replaces this file on merge (take
 * theirs). Until then signing answers 500: no password can be checked on this branch.
 */
import type { SignatureService } from '#shared/domain/signatures/service.ts';

export const signing: Pick<SignatureService, 'authenticate'> = {
  authenticate: () => Promise.reject(new Error('signing is not wired on this branch: merge i16-sign')),
};
