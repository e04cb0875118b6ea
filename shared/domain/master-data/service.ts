/** Master data use cases: create or replace (versioned, audited), read, list. */
import type { AuthContext } from '../../auth/claims.ts';
import type { MasterDataKind } from '../../db/keys.ts';
import { NotFoundError, StaleVersionError } from '../errors.ts';
import type { Clock } from '../work-order/service.ts';
import { systemClock } from '../work-order/service.ts';
import type { PageRequest } from '../work-order/repository.ts';
import type { MasterDataRepository, StoredRecord } from './repository.ts';

const LABEL: Record<MasterDataKind, string> = {
  equipment: 'equipment',
  material: 'material',
  bom: 'BOM',
  routing: 'routing',
  personnel: 'person',
  settings: 'tenant settings',
  'shift-calendar': 'shift calendar',
  'downtime-reasons': 'downtime reason tree',
};

/** Kinds with one record per tenant (the id is the kind itself). */
const SINGLETONS = new Set<MasterDataKind>(['settings', 'shift-calendar', 'downtime-reasons']);

export class MasterDataService {
  constructor(
    private readonly repository: MasterDataRepository,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(auth: AuthContext, kind: MasterDataKind, id: string) {
    const record = await this.repository.get(auth.tenantId, kind, id);
    if (!record) throw new NotFoundError(SINGLETONS.has(kind) ? LABEL[kind] : `${LABEL[kind]} ${id}`);
    return record;
  }

  async put(auth: AuthContext, kind: MasterDataKind, id: string, input: object, expectedVersion?: number): Promise<StoredRecord> {
    const before = await this.repository.get(auth.tenantId, kind, id);
    if (expectedVersion !== undefined && (before?.version ?? 0) !== expectedVersion) {
      throw new StaleVersionError(`${LABEL[kind]} ${id} is at version ${before?.version ?? 0}, not ${expectedVersion}`);
    }
    const next: StoredRecord = {
      ...(SINGLETONS.has(kind) ? {} : { id }),
      ...input,
      version: (before?.version ?? 0) + 1,
      updatedAt: this.clock.now().toISOString(),
      updatedBy: auth.userId,
    } as StoredRecord;
    await this.repository.put(auth.tenantId, kind, { ...next, id }, before);
    return next;
  }

  list(auth: AuthContext, kind: MasterDataKind, page: PageRequest) {
    return this.repository.list(auth.tenantId, kind, page);
  }
}
