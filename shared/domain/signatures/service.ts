/**
 * Signing (issue 16 section 2): the signer's re-entered credentials checked through the
 * PasswordVerifier port, the lock-out honoured and updated (11.300(d)), and the Signature built,
 * bound to the hash of the record's signable content (11.70). It does NOT write the signature:
 * the record's owner writes it with its own change, in its own transaction.
 */
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../auth/claims.ts';
import { contentHash } from '../audit/canonical.ts';
import { type Clock, systemClock } from '../clock.ts';
import { ValidationError, VersionConflictError } from '../errors.ts';
import type { AuditRecord, OutboxEvent } from '../work-order/model.ts';
import { SignatureRefusedError, SigningLockedError } from './errors.ts';
import { SIGNING_LOCKOUT, type SignableType, type Signature, type SignRequest, type SigningState } from './model.ts';
import { meaningText, type SignatureSettings } from './policy.ts';

/** Checks a user's password (Cognito's InitiateAuth on AWS, the local identity provider locally). */
export interface PasswordVerifier {
  /** true: the password is the user's; false: it is not, or there is no such user (never which). */
  verify(tenantId: string, userId: string, password: string): Promise<boolean>;
}

/** Where a user's signing state lives: its item, audit trail and alert events, one partition per user. */
export interface SigningStateRepository {
  get(tenantId: string, userId: string): Promise<SigningState | undefined>;
  /** ONE transaction: the state at the version read (or new), with its audit record and events when given. */
  commit(tenantId: string, change: SigningStateChange): Promise<void>;
}

export interface SigningStateChange {
  before: SigningState | undefined;
  after: SigningState;
  audit?: AuditRecord | undefined;
  events: OutboxEvent[];
}

/** What authenticate reads besides the verifier and the state: the printed name and the plant's meanings. */
export interface SignerDirectory {
  /** The person's full name from the personnel record, when there is one. */
  printedName(tenantId: string, userId: string): Promise<string | undefined>;
  settings(tenantId: string): Promise<SignatureSettings | undefined>;
}

export class SignatureService {
  constructor(
    private readonly verifier: PasswordVerifier,
    private readonly states: SigningStateRepository,
    private readonly directory: SignerDirectory,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Checks the re-entered credentials (user id = caller, password via the PasswordVerifier port),
   * honours and updates the lock-out, and returns the Signature to write (NOT written yet), bound to
   * contentHash(content). Throws SignatureRefusedError (wrong credentials: 401 problem
   * `signature-refused`, says how many attempts are left) or SigningLockedError (423 `signing-locked`).
   */
  async authenticate(auth: AuthContext, request: SignRequest, record: { type: SignableType; id: string; content: unknown }): Promise<Signature> {
    const [settings, state, name] = await Promise.all([
      this.directory.settings(auth.tenantId),
      this.states.get(auth.tenantId, auth.userId),
      this.directory.printedName(auth.tenantId, auth.userId),
    ]);
    const text = meaningText(settings, request.meaning);
    if (!text) throw new ValidationError([{ pointer: '/body/meaning', detail: `${request.meaning} is not a signature meaning of this plant` }]);
    const now = this.clock.now();
    if (state?.lockedUntil && state.lockedUntil > now.toISOString()) {
      throw new SigningLockedError(lockedDetail(state.lockedUntil), state.lockedUntil);
    }
    // Both components, every time (11.200(a)): the user id must be the caller's own, and the password right.
    const right = request.userId === auth.userId && (await this.verifier.verify(auth.tenantId, auth.userId, request.password));
    if (!right) await this.countFailure(auth, state, now);
    // Attempts sent at once: one of them may have locked signing while the password was checked.
    const current = await this.states.get(auth.tenantId, auth.userId);
    if (current?.lockedUntil && current.lockedUntil > now.toISOString()) {
      throw new SigningLockedError(lockedDetail(current.lockedUntil), current.lockedUntil);
    }
    if (current && current.failures.length > 0) {
      // A right password starts the count again (conditioned on the version read: a failure
      // counted meanwhile makes this a conflict, and the signature is not given).
      await this.states.commit(auth.tenantId, {
        before: current,
        after: { ...current, failures: [], version: current.version + 1, updatedAt: now.toISOString() },
        events: [],
      });
    }
    return {
      id: uuidv7(),
      recordType: record.type,
      recordId: record.id,
      contentHash: contentHash(record.content),
      meaning: request.meaning,
      meaningText: text,
      signerId: auth.userId,
      printedName: name ?? auth.name,
      signedAt: now.toISOString(),
      method: 'password',
      ...(request.comment ? { comment: request.comment } : {}),
    };
  }

  /**
   * Counts a failed attempt, however many arrive at once: a conflict with another attempt's
   * count reads the state again and counts on top of it (11.300(d): N wrong guesses sent
   * together are N failures, not one).
   */
  private async countFailure(auth: AuthContext, state: SigningState | undefined, now: Date): Promise<never> {
    let seen = state;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.failed(auth, seen, now);
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= 8) throw error;
        seen = await this.states.get(auth.tenantId, auth.userId);
        if (seen?.lockedUntil && seen.lockedUntil > now.toISOString()) throw new SigningLockedError(lockedDetail(seen.lockedUntil), seen.lockedUntil);
      }
    }
  }

  /** Records the failed attempt (the request still fails); the last one allowed locks signing, with an audit record and an alert. */
  private async failed(auth: AuthContext, state: SigningState | undefined, now: Date): Promise<never> {
    const at = now.toISOString();
    const windowStart = new Date(now.getTime() - SIGNING_LOCKOUT.windowMinutes * 60_000).toISOString();
    const failures = [...(state?.failures ?? []).filter((f) => f > windowStart), at];
    const version = (state?.version ?? 0) + 1;
    const base: SigningState = { userId: auth.userId, failures, version, updatedAt: at };
    if (failures.length < SIGNING_LOCKOUT.maxFailures) {
      await this.states.commit(auth.tenantId, { before: state, after: base, events: [] });
      const left = SIGNING_LOCKOUT.maxFailures - failures.length;
      throw new SignatureRefusedError(
        `the user id or password is wrong; signing locks after ${left} more wrong ${left === 1 ? 'attempt' : 'attempts'}`,
        left,
      );
    }
    const lockedUntil = new Date(now.getTime() + SIGNING_LOCKOUT.lockMinutes * 60_000).toISOString();
    const after: SigningState = { ...base, failures: [], lockedUntil };
    await this.states.commit(auth.tenantId, {
      before: state,
      after,
      audit: {
        version,
        at,
        by: auth.userId,
        action: 'signing-locked',
        target: `user ${auth.userId}`,
        reason: `${failures.length} failed signing attempts within ${SIGNING_LOCKOUT.windowMinutes} minutes`,
        changes: [{ field: 'lockedUntil', from: state?.lockedUntil ?? null, to: lockedUntil }],
      },
      events: [
        {
          id: uuidv7(),
          type: 'security.signing-locked',
          schemaVersion: 1,
          occurredAt: at,
          tenantId: auth.tenantId,
          sequence: version,
          data: { userId: auth.userId, name: auth.name, failedAttempts: failures, lockedUntil },
        },
      ],
    });
    throw new SigningLockedError(lockedDetail(lockedUntil), lockedUntil);
  }
}

const lockedDetail = (until: string) => `signing is locked for this user after ${SIGNING_LOCKOUT.maxFailures} wrong attempts, until ${until}`;
