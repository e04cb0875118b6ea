/** Refusals of a signature (issue 16 section 2); the HTTP edge maps each to an RFC 9457 problem. */
import { MesError } from '../errors.ts';

/** Wrong user id or password (never which): 401 `signature-refused`, with the attempts left before signing locks. */
export class SignatureRefusedError extends MesError {
  override readonly name = 'SignatureRefusedError';
  readonly status = 401;
  readonly type = 'urn:mes:problem:signature-refused';
  readonly title = 'Signature refused';
  constructor(detail: string, attemptsLeft: number) {
    super(detail);
    this.members = { attemptsLeft };
  }
}

/** Signing is locked for this user after repeated failures: 423 `signing-locked`, until when. */
export class SigningLockedError extends MesError {
  override readonly name = 'SigningLockedError';
  readonly status = 423;
  readonly type = 'urn:mes:problem:signing-locked';
  readonly title = 'Signing locked';
  constructor(detail: string, lockedUntil: string) {
    super(detail);
    this.members = { lockedUntil };
  }
}

/** An action that needs signatures asked for without them: 409 `signature-required`, naming what is missing. */
export class SignatureRequiredError extends MesError {
  override readonly name = 'SignatureRequiredError';
  readonly status = 409;
  readonly type = 'urn:mes:problem:signature-required';
  readonly title = 'Signature required';
  constructor(detail: string, missing: { meaning: string; roles: readonly string[] }[]) {
    super(detail);
    this.members = { missing };
  }
}

/** A signature the policy does not accept from this person (wrong role, same person twice, unknown meaning): 403/422. */
export class SignatureNotAllowedError extends MesError {
  override readonly name = 'SignatureNotAllowedError';
  readonly status = 403;
  readonly type = 'urn:mes:problem:signature-not-allowed';
  readonly title = 'This signature is not allowed';
}
