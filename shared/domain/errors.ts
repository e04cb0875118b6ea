/**
 * Domain errors. The HTTP edge maps each to an RFC 9457 problem; anything else is a 500 whose
 * details never leave the function.
 */
export interface FieldError {
  /** JSON Pointer into the request, e.g. `/body/operations/0/seq`. */
  pointer: string;
  detail: string;
}

/**
 * Who last changed a record a refusal is about, and what it is now (problem members
 * `changedBy`, `changedAt`, `currentStatus`, `currentVersion`): a 409 can then say who got there first.
 */
export interface ChangeContext {
  /** User id of the last change (the app shows the person's name). */
  changedBy: string;
  changedAt: string;
  currentStatus: string;
  currentVersion: number;
  /** What that change was, in words, when the record tells: "paused operation 10 (Assemble)". */
  lastChange?: string | undefined;
}

export abstract class MesError extends Error {
  /** Field-level details, shown as the problem's `errors` member. */
  readonly errors: FieldError[] | undefined;
  /** Who last changed the record, on a refusal that depends on its current state (409). */
  change: ChangeContext | undefined;
  /** Further problem members this kind of refusal carries (RFC 9457 extension members). */
  members: Record<string, unknown> | undefined;
  /** Response headers this kind of refusal carries (`Retry-After` of a 429). */
  headers: Record<string, string> | undefined;
  abstract readonly status: number;
  abstract readonly type: string;
  abstract readonly title: string;
}

export class ValidationError extends MesError {
  override readonly name = 'ValidationError';
  readonly status = 400;
  readonly type = 'urn:mes:problem:invalid-input';
  readonly title = 'Invalid input';
  override readonly errors: FieldError[];
  constructor(errors: FieldError[], detail = describe(errors)) {
    super(detail);
    this.errors = errors;
  }
}

export class UnauthorizedError extends MesError {
  override readonly name = 'UnauthorizedError';
  readonly status = 401;
  readonly type = 'urn:mes:problem:unauthorized';
  readonly title = 'Missing or invalid token';
}

export class ForbiddenError extends MesError {
  override readonly name = 'ForbiddenError';
  readonly status = 403;
  readonly type = 'urn:mes:problem:forbidden';
  readonly title = 'Your role may not do this';
}

export class NotFoundError extends MesError {
  override readonly name = 'NotFoundError';
  readonly status = 404;
  readonly type = 'urn:mes:problem:not-found';
  readonly title = 'Not found';
  constructor(what: string) {
    super(`${what} does not exist`);
  }
}

/** An action the state machine does not allow from the current state. */
export class IllegalTransitionError extends MesError {
  override readonly name = 'IllegalTransitionError';
  readonly status = 409;
  readonly type = 'urn:mes:problem:illegal-transition';
  readonly title = 'Not allowed in the current state';
}

/** A change to an order whose batch record was released (issue 16): released records are immutable. */
export class RecordReleasedError extends MesError {
  override readonly name = 'RecordReleasedError';
  readonly status = 409;
  readonly type = 'urn:mes:problem:record-released';
  readonly title = 'The batch record is released';
}

/**
 * An operation with inspections due and unrecorded, or failed, does not complete (issue 15):
 * the problem's `inspections` member names each (id, plan, k, status).
 */
export class InspectionsOutstandingError extends MesError {
  override readonly name = 'InspectionsOutstandingError';
  readonly status = 409;
  readonly type = 'urn:mes:problem:inspections-outstanding';
  readonly title = 'Inspections outstanding';
  readonly inspections: { id: string; planId: string; k: number; status: string }[];
  constructor(detail: string, inspections: { id: string; planId: string; k: number; status: string }[]) {
    super(detail);
    this.inspections = inspections;
    this.members = { inspections };
  }
}

/** Someone else changed the record since it was read. */
export class StaleVersionError extends MesError {
  override readonly name: string = 'StaleVersionError';
  readonly status = 409;
  readonly type = 'urn:mes:problem:stale-version';
  readonly title = 'The record changed meanwhile';
  constructor(detail = 'the record was changed by someone else; reload it and try again') {
    super(detail);
  }
}

/**
 * Someone else's write landed between this command's read and its own write (the version
 * condition or a transaction conflict refused it). Without If-Match the services run the
 * command again on what is now current (shared/domain/retry.ts); with If-Match it stays a 409.
 */
export class VersionConflictError extends StaleVersionError {
  override readonly name = 'VersionConflictError';
}

/**
 * Only an SPC monitor's state refused a command's transaction (a baseline was frozen, or another
 * writer judged a point, since the writer looked): the writer reads the states and writes again.
 */
export class SpcMonitorChangedError extends VersionConflictError {}

/** A quantity rule refused the request (e.g. more good parts than the operation was given). */
export class QuantityRuleError extends MesError {
  override readonly name = 'QuantityRuleError';
  readonly status = 409;
  readonly type = 'urn:mes:problem:quantity-rule';
  readonly title = 'Quantity not allowed';
}

/**
 * A quantity that does not fit its unit of measure (2.5 of a whole-unit material), or a unit
 * the MES does not know. Each problem is reported at its field.
 */
export class UnitOfMeasureError extends MesError {
  override readonly name = 'UnitOfMeasureError';
  readonly status = 422;
  readonly type = 'urn:mes:problem:unit-of-measure';
  readonly title = 'Quantity or unit of measure not allowed';
  override readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(describe(errors));
    this.errors = errors;
  }
}

/** The request does something that needs saying on purpose (a field such as `confirmNoOutput`). */
export class ConfirmationRequiredError extends MesError {
  override readonly name = 'ConfirmationRequiredError';
  readonly status = 422;
  readonly type = 'urn:mes:problem:confirmation-required';
  readonly title = 'Confirmation required';
  override readonly errors: FieldError[];
  constructor(pointer: string, detail: string) {
    super(detail);
    this.errors = [{ pointer, detail }];
  }
}

/** A correction that cannot apply: it names no report, or would break a quantity rule. */
export class CorrectionRuleError extends MesError {
  override readonly name = 'CorrectionRuleError';
  readonly status = 422;
  readonly type = 'urn:mes:problem:correction-rule';
  readonly title = 'Correction not possible';
  override readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(describe(errors));
    this.errors = errors;
  }
}

/** Creating something that exists already. */
export class AlreadyExistsError extends MesError {
  override readonly name = 'AlreadyExistsError';
  readonly status = 409;
  readonly type = 'urn:mes:problem:already-exists';
  readonly title = 'Already exists';
}

/** The same Idempotency-Key was used with a different request. */
export class IdempotencyKeyReusedError extends MesError {
  override readonly name = 'IdempotencyKeyReusedError';
  readonly status = 422;
  readonly type = 'urn:mes:problem:idempotency-key-reused';
  readonly title = 'Idempotency-Key reused with a different request';
}

/** The record would not fit in one stored item. */
export class RecordTooLargeError extends MesError {
  override readonly name = 'RecordTooLargeError';
  readonly status = 413;
  readonly type = 'urn:mes:problem:record-too-large';
  readonly title = 'Record too large';
}

/** A referenced record (material, routing, work center) does not exist. */
export class UnknownReferenceError extends MesError {
  override readonly name = 'UnknownReferenceError';
  readonly status = 422;
  readonly type = 'urn:mes:problem:unknown-reference';
  readonly title = 'Refers to something that does not exist';
  override readonly errors: FieldError[] | undefined;
  constructor(detailOrErrors: string | FieldError[]) {
    super(typeof detailOrErrors === 'string' ? detailOrErrors : describe(detailOrErrors));
    this.errors = typeof detailOrErrors === 'string' ? undefined : detailOrErrors;
  }
}

/** A reason list would lose a reason that records may name: retire it (active: false) instead. */
export class ReasonRemovedError extends MesError {
  override readonly name = 'ReasonRemovedError';
  readonly status = 422;
  readonly type = 'urn:mes:problem:reason-removed';
  readonly title = 'A reason is retired, never removed';
  override readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(describe(errors));
    this.errors = errors;
  }
}

/** An inbound event of a type the MES does not know (the known types are named in the detail). */
export class UnknownEventTypeError extends MesError {
  override readonly name = 'UnknownEventTypeError';
  readonly status = 422;
  readonly type = 'urn:mes:problem:unknown-event-type';
  readonly title = 'Unknown event type';
  override readonly errors: FieldError[];
  constructor(pointer: string, got: string, known: readonly string[]) {
    super(`${got} is not an event type this endpoint knows; known types: ${known.join(', ')}`);
    this.errors = [{ pointer, detail: `must be one of ${known.join(', ')}` }];
  }
}

/** More items in one request than may be written together (one transaction holds at most 100 writes). */
export class BatchTooLargeError extends MesError {
  override readonly name = 'BatchTooLargeError';
  readonly status = 413;
  readonly type = 'urn:mes:problem:batch-too-large';
  readonly title = 'Too many items in one request';
  override readonly errors: FieldError[];
  constructor(pointer: string, count: number, limit: number, what: string) {
    super(`${count} ${what} in one request; at most ${limit} are accepted: split it`);
    this.errors = [{ pointer, detail: `at most ${limit} ${what}, got ${count}` }];
  }
}

/** A request body or document larger than the MES reads (bytes, elements). */
export class DocumentTooLargeError extends MesError {
  override readonly name = 'DocumentTooLargeError';
  readonly status = 413;
  readonly type = 'urn:mes:problem:too-large';
  readonly title = 'Too large';
  override readonly errors: FieldError[];
  constructor(pointer: string, got: string, limit: string, what = 'the request body') {
    super(`${what} has ${got}; at most ${limit} are read: split it`);
    this.errors = [{ pointer, detail: `at most ${limit}, got ${got}` }];
  }
}

/**
 * The plant is over its request limit (issue 17, shared/domain/fair-use.ts): 429 with
 * `Retry-After` in whole seconds, and the same number as the problem's `retryAfterSeconds`.
 */
export class RateLimitedError extends MesError {
  override readonly name = 'RateLimitedError';
  readonly status = 429;
  readonly type = 'urn:mes:problem:rate-limited';
  readonly title = 'Too many requests';
  constructor(
    readonly retryAfterSeconds: number,
    limits: { requestsPerSecond: number; burst: number },
  ) {
    super(
      `The plant is sending more requests than its limit (${limits.requestsPerSecond} a second, ${limits.burst} at once); try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`,
    );
    this.members = { retryAfterSeconds, limits };
    this.headers = { 'retry-after': String(retryAfterSeconds) };
  }
}

function describe(errors: FieldError[]) {
  return errors.map((e) => `${e.pointer}: ${e.detail}`).join('; ');
}

/** Too few points to compute what was asked (SPC limits from the data: 20 subgroups): "not enough data: 12 of 20 subgroups". */
export class NotEnoughDataError extends MesError {
  override readonly name = 'NotEnoughDataError';
  readonly status = 422;
  readonly type = 'urn:mes:problem:not-enough-data';
  readonly title = 'Not enough data';
}
