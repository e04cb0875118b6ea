/**
 * The device registry (issue 17, docs/devices.md): register a unit or a gateway (its
 * credentials answered once), list, read, revoke. Each change is ONE transaction: the record,
 * its chained audit record and its outbox event (shared/db/device-repository.ts). The port
 * (provisioning.ts) issues credentials before the record is written (a registration the store
 * refuses revokes what it issued) and revokes them after the record says revoked (the local
 * broker reads the record at CONNECT, so from that write on no reconnect is admitted).
 */
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../auth/claims.ts';
import type { Clock } from '../clock.ts';
import { AlreadyExistsError, NotFoundError, UnknownReferenceError, VersionConflictError } from '../errors.ts';
import type { AuditRecord, OutboxEvent } from '../work-order/model.ts';
import type { Page, PageRequest } from '../work-order/repository.ts';
import { thingNameOf } from './thing-name.ts';
import type { Device, DeviceEventType, DeviceKind, DeviceSecret, StoredDevice } from './model.ts';
import type { DeviceProvisioning, DeviceThing } from './provisioning.ts';

export interface DeviceWrite {
  before: StoredDevice | undefined;
  after: StoredDevice;
  audit: AuditRecord;
  events: OutboxEvent[];
}

export interface DeviceRepository {
  /** Strongly consistent: a revocation counts from the moment it is written. */
  get(tenantId: string, id: string): Promise<StoredDevice | undefined>;
  list(tenantId: string, page: PageRequest): Promise<Page<StoredDevice>>;
  /** The record, its audit item and its events in one transaction, conditioned on the version read. Throws VersionConflictError. */
  commit(tenantId: string, write: DeviceWrite): Promise<void>;
}

/** What the registry checks a registration against: which of these ids are equipment units of the tenant. */
export interface EquipmentUnits {
  existing(tenantId: string, ids: readonly string[]): Promise<Set<string>>;
}

/** When each unit was last heard from (the live view), for the list; absent: not known. */
export interface LastSeen {
  of(tenantId: string, units: readonly string[]): Promise<Map<string, string | null>>;
}

export interface RegisterDeviceInput {
  name: string;
  equipmentId?: string | undefined;
  gatewayId?: string | undefined;
  units?: string[] | undefined;
}

export type DeviceListItem = Device & { lastSeen?: string | null };

const view = (stored: StoredDevice): Device => {
  const { credential: _, ...device } = stored;
  return device;
};

export const thingOf = (tenantId: string, device: Pick<Device, 'id' | 'kind'>): DeviceThing => ({
  tenantId,
  id: device.id,
  kind: device.kind,
  clientId: thingNameOf(tenantId, device.id),
});

export class DeviceService {
  constructor(
    private readonly repository: DeviceRepository,
    /** The port, resolved on first use (the AWS adapter loads its SDK client lazily). */
    private readonly provisioning: () => DeviceProvisioning | Promise<DeviceProvisioning>,
    private readonly equipment: EquipmentUnits,
    private readonly clock: Clock,
    private readonly lastSeen?: LastSeen,
  ) {}

  async register(auth: AuthContext, input: RegisterDeviceInput): Promise<{ device: Device; credentials: DeviceSecret }> {
    const { tenantId } = auth;
    const kind: DeviceKind = input.gatewayId !== undefined ? 'gateway' : 'unit';
    const id = (input.gatewayId ?? input.equipmentId) as string;
    const units = kind === 'unit' ? [id] : [...new Set(input.units ?? [])];
    // Refused before anything is issued or written.
    const known = await this.equipment.existing(tenantId, kind === 'unit' ? units : [...units, id]);
    if (kind === 'gateway' && known.has(id)) {
      throw new UnknownReferenceError([
        {
          pointer: '/body/gatewayId',
          detail: `${id} is an equipment unit's id: a gateway needs an id no unit has (thing names share one space), e.g. gw-${id}`,
        },
      ]);
    }
    const missing = units.filter((u) => !known.has(u));
    if (missing.length > 0) {
      throw new UnknownReferenceError(
        missing.map((u) =>
          kind === 'unit'
            ? { pointer: '/body/equipmentId', detail: `equipment unit ${u} does not exist` }
            : { pointer: `/body/units/${units.indexOf(u)}`, detail: `equipment unit ${u} does not exist` },
        ),
      );
    }
    const before = await this.repository.get(tenantId, id);
    if (before?.status === 'active') {
      const err = new AlreadyExistsError(
        `${kind === 'unit' ? 'unit' : 'gateway'} ${id} is registered and active: its credentials were shown once, at registration. Revoke it to register it again with new credentials.`,
      );
      err.change = { changedBy: before.updatedBy, changedAt: before.updatedAt, currentStatus: before.status, currentVersion: before.version };
      throw err;
    }
    const thing = thingOf(tenantId, { id, kind });
    const port = await this.provisioning();
    const { secret, credential } = await port.issue(thing);
    const at = this.clock.now().toISOString();
    const version = (before?.version ?? 0) + 1;
    const after: StoredDevice = {
      id,
      kind,
      name: input.name,
      units,
      clientId: thing.clientId,
      status: 'active',
      registeredAt: at,
      registeredBy: auth.userId,
      version,
      updatedAt: at,
      updatedBy: auth.userId,
      credential,
    };
    try {
      await this.repository.commit(tenantId, this.write(tenantId, before, after, 'device.registered', auth.userId, at));
    } catch (error) {
      // What was issued for a registration that did not happen must not work.
      await port.revoke(thing, credential).catch(() => undefined);
      if (error instanceof VersionConflictError) throw new AlreadyExistsError(`device ${id} was registered meanwhile`);
      throw error;
    }
    return { device: view(after), credentials: secret };
  }

  async get(auth: AuthContext, id: string): Promise<Device> {
    const stored = await this.repository.get(auth.tenantId, id);
    if (!stored) throw new NotFoundError(`device ${id}`);
    return view(stored);
  }

  async list(auth: AuthContext, page: PageRequest): Promise<Page<DeviceListItem>> {
    const found = await this.repository.list(auth.tenantId, page);
    const seen = this.lastSeen ? await this.lastSeen.of(auth.tenantId, [...new Set(found.items.flatMap((d) => d.units))]) : undefined;
    const items = found.items.map((stored): DeviceListItem => {
      const device = view(stored);
      if (!seen) return device;
      const times = device.units.map((u) => seen.get(u)).filter((t): t is string => typeof t === 'string');
      // ISO times sort as text: the latest is the last.
      return { ...device, lastSeen: times.sort().at(-1) ?? null };
    });
    return { items, ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}) };
  }

  /** Revokes the device: the record first (no reconnect from then on), then the port closes what is open. */
  async revoke(auth: AuthContext, id: string, reason: string): Promise<Device> {
    const { tenantId } = auth;
    const before = await this.repository.get(tenantId, id);
    if (!before) throw new NotFoundError(`device ${id}`);
    const port = await this.provisioning();
    const thing = thingOf(tenantId, before);
    // Revoked already: a retry. The port's revocation is idempotent, so it runs again (a failure after the write is healed here).
    if (before.status === 'revoked') {
      await port.revoke(thing, before.credential);
      return view(before);
    }
    const at = this.clock.now().toISOString();
    const after: StoredDevice = {
      ...before,
      status: 'revoked',
      revokedAt: at,
      revokedBy: auth.userId,
      revokeReason: reason,
      version: before.version + 1,
      updatedAt: at,
      updatedBy: auth.userId,
    };
    await this.repository.commit(tenantId, this.write(tenantId, before, after, 'device.revoked', auth.userId, at, reason));
    await port.revoke(thing, before.credential);
    return view(after);
  }

  private write(
    tenantId: string,
    before: StoredDevice | undefined,
    after: StoredDevice,
    type: DeviceEventType,
    by: string,
    at: string,
    reason?: string,
  ): DeviceWrite {
    const changes = (['status', 'name', 'units', 'kind'] as const)
      .filter((field) => JSON.stringify(before?.[field]) !== JSON.stringify(after[field]))
      .map((field) => ({ field, from: before?.[field] ?? null, to: after[field] }));
    const audit: AuditRecord = {
      version: after.version,
      at,
      by,
      action: type === 'device.registered' ? 'device.register' : 'device.revoke',
      target: `device/${after.id}`,
      ...(reason ? { reason } : {}),
      changes,
    };
    const event: OutboxEvent = {
      id: uuidv7(),
      type,
      schemaVersion: 1,
      occurredAt: at,
      tenantId,
      deviceId: after.id,
      // One event per change: the device's version is its gap-free sequence.
      sequence: after.version,
      data: {
        deviceId: after.id,
        kind: after.kind,
        name: after.name,
        clientId: after.clientId,
        units: after.units,
        version: after.version,
        ...(reason ? { reason } : {}),
        by,
      },
    };
    return { before, after, audit, events: [event] };
  }
}
