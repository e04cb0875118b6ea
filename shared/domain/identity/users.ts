/**
 * A plant's users (issue 17; docs/onboarding.md): its admins invite them, give them roles and
 * disable them; never delete them (records name people). The MES keeps its own directory record
 * per user with its audit trail; the identity itself lives behind the IdentityPort (Cognito on
 * AWS). The identity is written first and the record after: a retry after a failure in between
 * finds the identity there (`existed`) and writes the record.
 *
 * A user may name the personnel record (master data) it is: `personnelId`, checked to exist.
 */
import type { AuthContext } from '../../auth/claims.ts';
import { type Clock, systemClock } from '../clock.ts';
import { AlreadyExistsError, IllegalTransitionError, NotFoundError, StaleVersionError, UnknownReferenceError } from '../errors.ts';
import type { PlantRole } from '../roles.ts';
import type { Page, PageRequest } from '../work-order/repository.ts';
import type { IdentityPort } from './port.ts';

export type UserStatus = 'active' | 'disabled';

export interface UserRecord {
  userId: string;
  name: string;
  email?: string | undefined;
  roles: PlantRole[];
  personnelId?: string | undefined;
  status: UserStatus;
  /** The token's `sub` of this user (Cognito's id on AWS; the user id locally). */
  subject: string;
  invitedAt: string;
  invitedBy: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export interface UserAudit {
  version: number;
  at: string;
  by: string;
  byName: string;
  action: 'user.invited' | 'user.roles-changed' | 'user.disabled';
  changes: { field: string; from?: unknown; to?: unknown }[];
}

export interface UserRepository {
  get(tenantId: string, userId: string): Promise<UserRecord | undefined>;
  list(tenantId: string, page: PageRequest): Promise<Page<UserRecord>>;
  /** Writes the record and its audit record in one transaction, conditioned on `before`'s version (or on none existing). */
  save(tenantId: string, next: UserRecord, before: UserRecord | undefined, audit: UserAudit): Promise<void>;
}

/** Whether a personnel record exists in the tenant (master data). */
export type PersonnelLookup = (tenantId: string, personnelId: string) => Promise<boolean>;

export interface InviteInput {
  userId: string;
  name: string;
  email?: string | undefined;
  roles: PlantRole[];
  personnelId?: string | undefined;
}

/** What the API shows of a user: the directory record without the identity provider's subject. */
export type UserView = Omit<UserRecord, 'subject'>;
export const viewOf = ({ subject: _, ...view }: UserRecord): UserView => view;

export class UserService {
  constructor(
    private readonly repository: UserRepository,
    private readonly identity: () => Promise<IdentityPort>,
    private readonly personnelExists: PersonnelLookup,
    private readonly clock: Clock = systemClock,
  ) {}

  list(auth: Pick<AuthContext, 'tenantId'>, page: PageRequest) {
    return this.repository.list(auth.tenantId, page);
  }

  async get(auth: Pick<AuthContext, 'tenantId'>, userId: string): Promise<UserRecord> {
    const user = await this.repository.get(auth.tenantId, userId);
    if (!user) throw new NotFoundError(`user ${userId}`);
    return user;
  }

  /**
   * Invites a user into `auth.tenantId`. With `resume`, a user that exists already with the same
   * name and roles is answered as it is (a plant's creation run again); otherwise it is a 409.
   */
  async invite(auth: AuthContext, input: InviteInput, options: { resume?: boolean } = {}) {
    const existing = await this.repository.get(auth.tenantId, input.userId);
    if (existing) {
      if (options.resume) return { user: existing, temporaryPassword: undefined };
      throw new AlreadyExistsError(`user ${input.userId} exists already in this plant`);
    }
    if (input.personnelId && !(await this.personnelExists(auth.tenantId, input.personnelId))) {
      throw new UnknownReferenceError([{ pointer: '/body/personnelId', detail: `personnel ${input.personnelId} does not exist` }]);
    }
    const created = await (await this.identity()).createUser({
      tenantId: auth.tenantId,
      userId: input.userId,
      name: input.name,
      email: input.email,
      roles: input.roles,
    });
    const at = this.clock.now().toISOString();
    const user: UserRecord = {
      userId: input.userId,
      name: input.name,
      ...(input.email ? { email: input.email } : {}),
      roles: [...input.roles],
      ...(input.personnelId ? { personnelId: input.personnelId } : {}),
      status: 'active',
      subject: created.subject,
      invitedAt: at,
      invitedBy: auth.userId,
      version: 1,
      updatedAt: at,
      updatedBy: auth.userId,
    };
    // An identity that existed (a retry) may carry other roles than asked now: the record says what it gets.
    if (created.existed) await (await this.identity()).setRoles(auth.tenantId, input.userId, input.roles);
    await this.repository.save(auth.tenantId, user, undefined, {
      version: 1,
      at,
      by: auth.userId,
      byName: auth.name,
      action: 'user.invited',
      changes: [
        { field: 'roles', to: user.roles },
        { field: 'name', to: user.name },
        ...(user.email ? [{ field: 'email', to: user.email }] : []),
        ...(user.personnelId ? [{ field: 'personnelId', to: user.personnelId }] : []),
      ],
    });
    return { user, temporaryPassword: created.temporaryPassword };
  }

  async setRoles(auth: AuthContext, userId: string, roles: PlantRole[], expectedVersion?: number): Promise<UserRecord> {
    const before = await this.get(auth, userId);
    this.assertVersion(before, expectedVersion);
    if (before.status === 'disabled') throw new IllegalTransitionError(`user ${userId} is disabled: a disabled user keeps the roles they had`);
    // The identity first: a failure after it leaves the record behind, and the same request again puts both right.
    await (await this.identity()).setRoles(auth.tenantId, userId, roles);
    const same = before.roles.length === roles.length && before.roles.every((r) => roles.includes(r));
    if (same) return before;
    return this.change(auth, before, { roles: [...roles] }, 'user.roles-changed', [{ field: 'roles', from: before.roles, to: roles }]);
  }

  async disable(auth: AuthContext, userId: string): Promise<UserRecord> {
    const before = await this.get(auth, userId);
    if (userId === auth.userId) throw new IllegalTransitionError('you cannot disable yourself: ask another admin');
    await (await this.identity()).disable(auth.tenantId, userId);
    if (before.status === 'disabled') return before;
    return this.change(auth, before, { status: 'disabled' }, 'user.disabled', [{ field: 'status', from: before.status, to: 'disabled' }]);
  }

  private async change(
    auth: AuthContext,
    before: UserRecord,
    patch: Partial<UserRecord>,
    action: UserAudit['action'],
    changes: UserAudit['changes'],
  ) {
    const at = this.clock.now().toISOString();
    const next: UserRecord = { ...before, ...patch, version: before.version + 1, updatedAt: at, updatedBy: auth.userId };
    await this.repository.save(auth.tenantId, next, before, { version: next.version, at, by: auth.userId, byName: auth.name, action, changes });
    return next;
  }

  private assertVersion(record: UserRecord, expectedVersion: number | undefined) {
    if (expectedVersion !== undefined && record.version !== expectedVersion) {
      throw new StaleVersionError(`user ${record.userId} is at version ${record.version}, not ${expectedVersion}`);
    }
  }
}
