/**
 * Qualifications use cases (issue 18; docs/qualifications.md): a person's set (put, get), the
 * expiring view, and the gate on operation start and clock-on with the supervisor's override.
 */
import type { AuthContext } from '../../auth/claims.ts';
import { type Clock, systemClock } from '../clock.ts';
import { ForbiddenError, NotFoundError, StaleVersionError, UnknownReferenceError, ValidationError } from '../errors.ts';
import type { MasterDataRepository } from '../master-data/repository.ts';
import { runCommand } from '../retry.ts';
import type { PlantRole } from '../roles.ts';
import type { SignatureService } from '../signatures/service.ts';
import { diff } from '../work-order/diff.ts';
import {
  type GateResult,
  type GateSubject,
  type MissingQualification,
  type QualificationGate,
  type QualificationOverride,
  QualificationMissingError,
} from './gate.ts';
import {
  type ExpiringQualification,
  expiryOf,
  type HeldQualification,
  mergeRequirements,
  missingFor,
  type OperationRequirement,
  type PersonQualifications,
  type PersonQualificationsInput,
} from './model.ts';
import type { PersonnelLinkLookup } from './person.ts';

/** What the gate needs of a person: who, and what they hold. */
export interface PersonSet {
  personnelId: string;
  personName: string;
  qualifications: HeldQualification[];
}

export interface QualificationAudit {
  version: number;
  at: string;
  by: string;
  action: string;
  target: string;
  changes: { field: string; from?: unknown; to?: unknown }[];
}

export interface PersonQualificationsRepository {
  get(tenantId: string, personnelId: string, options?: { consistent?: boolean }): Promise<PersonQualifications | undefined>;
  list(tenantId: string): Promise<PersonQualifications[]>;
  forUser(tenantId: string, userId: string): Promise<PersonSet | undefined>;
  forPeople(tenantId: string, personnelIds: readonly string[]): Promise<PersonSet[]>;
  usersOf(tenantId: string, personnelId: string): Promise<string[]>;
  save(
    tenantId: string,
    next: PersonQualifications,
    before: PersonQualifications | undefined,
    audit: QualificationAudit,
    userIds: readonly string[],
  ): Promise<void>;
}

/** The roles a user holds in the plant (user directory record, else the personnel record): who may sign an override. */
export type RolesOf = (tenantId: string, userId: string) => Promise<readonly PlantRole[]>;

/** An operation's requirements (copied at release) and the work center it was released to, when the gate is asked without them: one read of the order. */
export type RequirementsOf = (
  tenantId: string,
  workOrderId: string,
  seq: number,
) => Promise<{ requirements: readonly OperationRequirement[]; workCenterId: string } | undefined>;

export const OVERRIDE_ROLES: readonly PlantRole[] = ['supervisor', 'admin'];
/** The meaning of an override's signature: the supervisor takes responsibility for the work going ahead. */
export const OVERRIDE_MEANING = 'responsibility';

export class QualificationService implements QualificationGate {
  constructor(
    private readonly people: PersonQualificationsRepository,
    private readonly masterData: MasterDataRepository,
    private readonly ports: {
      linkOf: PersonnelLinkLookup;
      rolesOf: RolesOf;
      requirementsOf: RequirementsOf;
      signing: () => Promise<Pick<SignatureService, 'authenticate'>>;
    },
    private readonly clock: Clock = systemClock,
  ) {}

  /** A person's set; version 0 with none when nothing was recorded yet. A person that does not exist is a 404. */
  async getPerson(auth: AuthContext, personnelId: string): Promise<PersonQualifications> {
    const [set, person] = await Promise.all([
      this.people.get(auth.tenantId, personnelId),
      this.masterData.get(auth.tenantId, 'personnel', personnelId),
    ]);
    if (!person) throw new NotFoundError(`person ${personnelId}`);
    return set ?? { personnelId, personName: person.name, qualifications: [], version: 0, updatedAt: '', updatedBy: '' };
  }

  /** Replaces a person's whole set (versioned, audited); each qualification must exist; expiry defaults from its validity. */
  putPerson(auth: AuthContext, personnelId: string, given: PersonQualificationsInput, expectedVersion?: number) {
    // Times are compared as text (expiry, expiring soonest first): stored in UTC whatever offset they were given with.
    const utc = (t: string) => new Date(t).toISOString();
    const input = {
      ...given,
      qualifications: given.qualifications.map((q) => ({
        ...q,
        grantedAt: utc(q.grantedAt),
        ...(q.expiresAt ? { expiresAt: utc(q.expiresAt) } : {}),
      })),
    };
    return runCommand(auth.tenantId, `person-qualifications/${personnelId}`, expectedVersion, async () => {
      const [person, before, definitions] = await Promise.all([
        this.masterData.get(auth.tenantId, 'personnel', personnelId),
        this.people.get(auth.tenantId, personnelId, { consistent: true }),
        this.masterData.getMany(
          auth.tenantId,
          'qualification',
          input.qualifications.map((q) => q.qualificationId),
        ),
      ]);
      if (!person) throw new NotFoundError(`person ${personnelId}`);
      if (expectedVersion !== undefined && (before?.version ?? 0) !== expectedVersion) {
        throw new StaleVersionError(`the qualifications of ${personnelId} are at version ${before?.version ?? 0}, not ${expectedVersion}`);
      }
      const byId = new Map(definitions.map((d) => [d.id, d]));
      const errors = input.qualifications.flatMap((q, i) => {
        const def = byId.get(q.qualificationId);
        if (!def) return [{ pointer: `/body/qualifications/${i}/qualificationId`, detail: `qualification ${q.qualificationId} does not exist` }];
        const top = def.levels?.length ?? 1;
        if ((q.level ?? 1) > top) return [{ pointer: `/body/qualifications/${i}/level`, detail: `${def.name} has levels 1 to ${top}` }];
        return [];
      });
      if (errors.length) throw new UnknownReferenceError(errors);
      const bad = input.qualifications.flatMap((q, i) =>
        q.expiresAt && q.expiresAt <= q.grantedAt ? [{ pointer: `/body/qualifications/${i}/expiresAt`, detail: 'must be after grantedAt' }] : [],
      );
      if (bad.length) throw new ValidationError(bad);
      const at = this.clock.now().toISOString();
      const qualifications = input.qualifications.map((q) => {
        const expiresAt = expiryOf(q, byId.get(q.qualificationId)?.validityMonths);
        return { ...q, ...(expiresAt ? { expiresAt } : {}) };
      });
      const next: PersonQualifications = {
        personnelId,
        personName: person.name,
        qualifications,
        version: (before?.version ?? 0) + 1,
        updatedAt: at,
        updatedBy: auth.userId,
      };
      const changes = diff(before ?? {}, next, new Set(['version', 'updatedAt', 'updatedBy']));
      if (before && changes.length === 0) return before;
      await this.people.save(
        auth.tenantId,
        next,
        before,
        {
          version: next.version,
          at,
          by: auth.userId,
          action: 'person-qualifications.replace',
          target: `personnel/${personnelId}/qualifications`,
          changes,
        },
        await this.people.usersOf(auth.tenantId, personnelId),
      );
      return next;
    });
  }

  /** Who holds what expiring within `withinDays`, or expired: soonest first. Computed at read time. */
  async expiring(auth: AuthContext, withinDays: number) {
    const now = this.clock.now();
    const horizon = new Date(now.getTime() + withinDays * 86_400_000).toISOString();
    const [sets, definitions] = await Promise.all([this.people.list(auth.tenantId), this.masterData.listAll(auth.tenantId, 'qualification')]);
    const names = new Map(definitions.map((d) => [d.id, d.name]));
    const items: ExpiringQualification[] = sets.flatMap((set) =>
      set.qualifications
        .filter((q) => q.expiresAt && q.expiresAt <= horizon)
        .map((q) => ({
          personnelId: set.personnelId,
          personName: set.personName,
          qualificationId: q.qualificationId,
          qualificationName: names.get(q.qualificationId) ?? q.qualificationId,
          ...(q.level !== undefined ? { level: q.level } : {}),
          expiresAt: q.expiresAt as string,
          expired: (q.expiresAt as string) <= now.toISOString(),
        })),
    );
    items.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt) || a.personName.localeCompare(b.personName));
    return { asOf: now.toISOString(), withinDays, items };
  }

  /** The gate (gate.ts): no requirements, no read; the caller's own set in one GetItem; several people in one BatchGetItem. */
  async check(auth: AuthContext, subject: GateSubject, override?: QualificationOverride): Promise<GateResult> {
    const read = subject.requirements ? undefined : await this.ports.requirementsOf(auth.tenantId, subject.workOrderId, subject.seq);
    const carried = subject.requirements ?? read?.requirements ?? [];
    // The unit the operation was released to had its requirements copied then: only another unit is read.
    const otherUnit = subject.equipmentId && subject.equipmentId !== read?.workCenterId ? subject.equipmentId : undefined;
    const requirements = mergeRequirements([...carried, ...(otherUnit ? await this.unitRequirements(auth.tenantId, otherUnit, carried) : [])]);
    if (!requirements.length) return { missing: [] };
    const people = await this.peopleOf(auth, subject);
    const now = this.clock.now().toISOString();
    const missing = people.flatMap((p) => missingFor(requirements, p, now));
    if (!missing.length) return { missing: [] };
    if (!override) throw new QualificationMissingError(missing);
    return this.overridden(auth, subject, override, missing);
  }

  private async peopleOf(auth: AuthContext, subject: GateSubject): Promise<PersonSet[]> {
    const people: PersonSet[] = [];
    if (subject.self) {
      const own = await this.people.forUser(auth.tenantId, auth.userId);
      if (own) people.push(own);
      else {
        // No copy under this user id (linked after their person's set was last written, or none recorded): resolve and read.
        const personnelId = (await this.ports.linkOf(auth.tenantId, auth.userId)) ?? auth.userId;
        const [set] = await this.people.forPeople(auth.tenantId, [personnelId]);
        people.push(set ?? { personnelId, personName: auth.name, qualifications: [] });
      }
    }
    const others = subject.personnelIds.filter((id) => !people.some((p) => p.personnelId === id));
    if (others.length) people.push(...(await this.people.forPeople(auth.tenantId, others)));
    return people;
  }

  /** A unit's requirements the operation did not carry already (a clock-on at another unit than the one released to). */
  private async unitRequirements(tenantId: string, equipmentId: string, carried: readonly OperationRequirement[]) {
    if (carried.some((r) => r.source === `equipment ${equipmentId}`)) return [];
    const unit = await this.masterData.get(tenantId, 'equipment', equipmentId);
    const required = unit?.requiredQualifications ?? [];
    if (!required.length) return [];
    const defs = await this.masterData.getMany(
      tenantId,
      'qualification',
      required.map((r) => r.qualificationId),
    );
    return required.map((r) => ({
      qualificationId: r.qualificationId,
      qualificationName: defs.find((d) => d.id === r.qualificationId)?.name ?? r.qualificationId,
      ...(r.minLevel !== undefined ? { minLevel: r.minLevel } : {}),
      source: `equipment ${equipmentId}`,
    }));
  }

  /**
   * An override: the signer's password checked by issue 16's signing (lock-out, printed name),
   * then their role: a supervisor or an admin. A wrong password is a 401 and counts toward the
   * signer's lock-out; a right one of someone else is a 403.
   */
  private async overridden(
    auth: AuthContext,
    subject: GateSubject,
    override: QualificationOverride,
    missing: MissingQualification[],
  ): Promise<GateResult> {
    const signer: AuthContext = { tenantId: auth.tenantId, userId: override.signature.userId, name: override.signature.userId, roles: [] };
    const signature = await (await this.ports.signing()).authenticate(
      signer,
      {
        userId: override.signature.userId,
        password: override.signature.password,
        meaning: OVERRIDE_MEANING,
        comment: `qualification override: ${override.reason}`,
      },
      {
        type: 'work-order',
        id: subject.workOrderId,
        content: { workOrderId: subject.workOrderId, seq: subject.seq, missing, reason: override.reason },
      },
    );
    const roles = await this.ports.rolesOf(auth.tenantId, override.signature.userId);
    if (!roles.some((r) => OVERRIDE_ROLES.includes(r))) {
      throw new ForbiddenError(`${signature.printedName} may not override a missing qualification: a supervisor or an admin signs an override`);
    }
    return { missing, overriddenBy: signature.signerId, overrideReason: override.reason, signature };
  }
}
