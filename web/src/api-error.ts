/**
 * What can go wrong with a request, in words a supervisor can read on the floor: a problem+json
 * refusal (ApiError), no connection (status 0), or an answer that does not match the route's
 * response schema (ContractError: the app and the API are of different versions).
 */
import type { HttpMethod } from '../../shared/api/routes.ts';
import type { MissingQualification } from '../../shared/domain/qualifications/gate.ts';
import { fmtDate, fmtTime, personName, statusWords } from './plant.ts';

/** Who last changed the record a 409 is about, and what it is now (problem members of the same names). */
export interface ChangeInfo {
  changedBy?: string | undefined;
  changedAt?: string | undefined;
  currentStatus?: string | undefined;
  lastChange?: string | undefined;
}

export class ApiError extends Error {
  /** On a 429 (the plant over its request limit, issue 17): seconds until it may send again. */
  retryAfterSeconds: number | undefined;
  /** Whether the request was a read (GET): the screen tries it again by itself. */
  read = false;
  /** On a 409 `qualification-missing` (issue 18): who lacks which qualification, and why. */
  missing: MissingQualification[] | undefined;

  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly fields: { pointer: string; detail: string }[] = [],
    readonly change: ChangeInfo = {},
    /** The problem's type URI (`urn:mes:problem:…`), when the API gave one. */
    readonly type: string = '',
  ) {
    super(`${status} ${title}: ${detail}`);
    this.name = 'ApiError';
  }

  /** What the screen says. */
  get plain(): string {
    switch (this.status) {
      case 0:
        return 'No connection to the MES. Nothing was changed; try again when the connection is back.';
      case 401:
        // A refused signature: the API counts the attempts left, and says so.
        return `Not signed: ${this.detail}.`;
      case 423:
        return `Not signed: ${this.detail}.`;
      case 400:
        return `Please check what you entered: ${this.fields.map((f) => `${f.pointer.split('/').pop()} ${f.detail}`).join('; ') || this.detail}.`;
      case 403:
        return `Your role may not do this. ${this.detail}`;
      case 404:
        return `Not found: ${this.detail}`;
      case 409:
        if (this.type === 'urn:mes:problem:inspections-outstanding') return inspectionsWords(this.detail);
        if (this.type === QUALIFICATION_MISSING && this.missing?.length)
          return `Not done: ${qualificationWords(this.missing)} A supervisor may let the work go ahead with a signed override.`;
        return (
          this.changedWords() ??
          `Not done: someone or something changed it first, or it is not allowed now. ${this.detail} The screen shows the current state.`
        );
      case 422:
        return `Not done: ${this.detail}`;
      case 429: {
        // Fair use (issue 17): the plant's requests together are over its limit, not this person's fault.
        const n = this.retryAfterSeconds ?? 1;
        const seconds = `${n} second${n === 1 ? '' : 's'}`;
        return this.read
          ? `The plant is sending more requests than its limit; trying again in ${seconds}.`
          : `The plant is sending more requests than its limit; nothing was changed. Try again in ${seconds}.`;
      }
      default:
        return `The MES could not do this (${this.status}). ${this.detail}`;
    }
  }

  /** "Not done: Ana Lopez paused operation 10 (Assemble) at 14:02, …", when the API said who changed it. */
  private changedWords(): string | undefined {
    const { changedBy, changedAt, currentStatus, lastChange } = this.change;
    if (!changedBy || !changedAt) return undefined;
    const now = currentStatus ? ` The order is now ${statusWords(currentStatus).toLowerCase()}.` : '';
    return `Not done: ${personName(changedBy)} ${lastChange ?? 'changed this order'} at ${fmtTime(changedAt)}, before your action reached the MES.${now} Here is the current state: check it and try again if it still applies.`;
  }
}

export const QUALIFICATION_MISSING = 'urn:mes:problem:qualification-missing';

/** One missing qualification in words: "Torque wrench expired on Nov 3", "Press operation (level 2): holds level 1". */
export function missingWords(m: MissingQualification): string {
  const what = `${m.qualificationName}${m.requiredLevel && m.requiredLevel > 1 ? ` (level ${m.requiredLevel})` : ''}`;
  switch (m.reason) {
    case 'expired':
      return `${what} expired on ${fmtDate(m.expiredAt)}`;
    case 'level-too-low':
      return `${what}: holds level ${m.heldLevel ?? 1} only`;
    case 'training-required':
      return `${what}: training on ${m.documentId ?? 'the work instruction'} version ${m.documentVersion ?? ''} needed`;
    default:
      return `${what} missing`;
  }
}

/** "Olivia Bakker is not qualified: Torque wrench expired on Nov 3; Press operation (level 2): holds level 1 only." per person. */
export function qualificationWords(missing: readonly MissingQualification[]): string {
  const people = [...new Set(missing.map((m) => m.personName))];
  return people
    .map(
      (name) =>
        `${name} is not qualified: ${missing
          .filter((m) => m.personName === name)
          .map(missingWords)
          .join('; ')}.`,
    )
    .join(' ');
}

/**
 * An operation that cannot complete for its inspections, in the operator's words: which ones
 * (the API's "Leak test #1 (due)"), and what to do about each kind.
 */
function inspectionsWords(detail: string): string {
  const which = /due or failed: (.*)\. Record/.exec(detail)?.[1];
  if (!which) return `Not done: the inspections of this operation come first. ${detail}.`;
  const items = which
    .split(', ')
    .map((i) =>
      i
        .replace(/ #1 \(/, ' (')
        .replace(/\((due|failed)\)$/, (_, s: string) => (s === 'due' ? '(due: record it under "Inspect now")' : '(failed: quality decides)')),
    );
  return `Not done: this operation cannot be completed until its inspections are recorded and passed. Outstanding: ${items.join(', ')}.`;
}

/**
 * A 2xx whose body the route's response schema refuses. Showing it beats rendering `undefined`:
 * the usual cause is an app older or newer than the API, which a reload mends.
 */
export class ContractError extends ApiError {
  constructor(
    status: number,
    readonly method: HttpMethod,
    readonly path: string,
    /** Where the answer differs, e.g. `items.0.state: Invalid option`. */
    readonly where: string,
  ) {
    super(status, 'Unexpected answer', `${method} ${path}: ${where}`);
    this.name = 'ContractError';
  }

  override get plain(): string {
    // A change that got a 2xx was made, even though its answer cannot be read.
    const what = this.method === 'GET' ? 'The MES answered' : 'It was done, but the MES answered';
    return `${what} in a form this app does not understand (${this.method} ${this.path}: ${this.where}); reload the app.`;
  }
}
