/** Master data use cases: create or replace (versioned, audited), read, list. */
import type { AuthContext } from '../../auth/claims.ts';
import { NotFoundError, StaleVersionError, UnitOfMeasureError, UnknownReferenceError } from '../errors.ts';
import { runCommand } from '../retry.ts';
import { diff } from '../work-order/diff.ts';
import { type Clock, systemClock } from '../clock.ts';
import type { PageRequest, Receipt } from '../work-order/repository.ts';
import type { MasterDataInputs, MasterDataKind, RecordMeta, StoredRecord } from './model.ts';
import type { MasterDataRepository } from './repository.ts';
import { withUnitCodes } from './units.ts';
import { planReferenceProblems } from '../quality/inspection-plans.ts';
import { assertKeepsEveryReason, DEFAULT_REASON_LISTS, REASON_LISTS, type ReasonList, type ReasonListName, reasonListOf } from './reason-lists.ts';

const LABEL: Record<MasterDataKind, string> = {
  equipment: 'equipment',
  material: 'material',
  bom: 'BOM',
  routing: 'routing',
  personnel: 'person',
  settings: 'tenant settings',
  'shift-calendar': 'shift calendar',
  'downtime-reasons': 'downtime reason tree',
  'reason-list': 'reason list',
  'inspection-plan': 'inspection plan',
  qualification: 'qualification',
};

/** Fields every stored record has that say nothing about its content. */
const RECORD_META = new Set(['version', 'updatedAt', 'updatedBy']);

/** What a put answers: the stored record, without the id for a singleton (the API shows none). */
export type PutRecord<K extends MasterDataKind> = MasterDataInputs[K] & RecordMeta & { id?: string };

/** A record a put would store, not yet written. */
export interface PlannedRecord<K extends MasterDataKind = MasterDataKind> {
  kind: K;
  before: StoredRecord<K> | undefined;
  next: StoredRecord<K>;
  /** False when the record would be stored as it is (the caller then writes only its receipt). */
  changed: boolean;
}

/** A record that must exist, and where the request names it. */
export interface Reference {
  kind: MasterDataKind;
  id: string;
  pointer: string;
}

/** Kinds with one record per tenant (the id is the kind itself). */
const SINGLETONS = new Set<MasterDataKind>(['settings', 'shift-calendar', 'downtime-reasons']);

export class MasterDataService {
  constructor(
    private readonly repository: MasterDataRepository,
    private readonly clock: Clock = systemClock,
  ) {}

  async get<K extends MasterDataKind>(auth: AuthContext, kind: K, id: string): Promise<StoredRecord<K>> {
    const record = await this.repository.get(auth.tenantId, kind, id);
    if (!record) throw new NotFoundError(SINGLETONS.has(kind) ? LABEL[kind] : `${LABEL[kind]} ${id}`);
    return record;
  }

  /** Creates or replaces; without If-Match a concurrent write is not an error: this one replaces it in turn. */
  async put<K extends MasterDataKind>(
    auth: AuthContext,
    kind: K,
    id: string,
    input: MasterDataInputs[K],
    expectedVersion?: number,
  ): Promise<PutRecord<K>> {
    const next = await runCommand(auth.tenantId, `${kind}/${id}`, expectedVersion, async () => {
      const planned = await this.plan(auth, kind, id, input, expectedVersion);
      await this.repository.put(auth.tenantId, kind, planned.next, planned.before);
      return planned.next;
    });
    // Singletons answer without the id the key design gives them.
    const answer: PutRecord<K> = { ...next };
    if (SINGLETONS.has(kind)) delete answer.id;
    return answer;
  }

  /** The record a put would store, and whether anything but its version stamp would change. */
  async plan<K extends MasterDataKind>(
    auth: AuthContext,
    kind: K,
    id: string,
    input: MasterDataInputs[K],
    expectedVersion?: number,
  ): Promise<PlannedRecord<K>> {
    // Units are stored as their codes ('ea' -> 'EA'); an unknown one is refused before anything is read.
    const units = withUnitCodes(kind, input);
    if (units.problems.length)
      throw new UnitOfMeasureError(units.problems.map((p) => ({ pointer: ['/body', ...p.path].join('/'), detail: p.detail })));
    input = units.input;
    if (kind === 'inspection-plan') await this.assertPlanReferences(auth.tenantId, input as MasterDataInputs['inspection-plan']);
    // Consistent: the write is conditioned on this version, and a retry must see the write it lost to.
    const before = await this.repository.get(auth.tenantId, kind, id, { consistent: true });
    if (expectedVersion !== undefined && (before?.version ?? 0) !== expectedVersion) {
      throw new StaleVersionError(`${LABEL[kind]} ${id} is at version ${before?.version ?? 0}, not ${expectedVersion}`);
    }
    if (kind === 'reason-list') {
      const list = id as ReasonListName;
      assertKeepsEveryReason(before ? (before as StoredRecord<'reason-list'>) : DEFAULT_REASON_LISTS[list], input as MasterDataInputs['reason-list']);
    }
    const meta: RecordMeta = { version: (before?.version ?? 0) + 1, updatedAt: this.clock.now().toISOString(), updatedBy: auth.userId };
    // The id leads, as it does in what a put answers; a singleton's trails (the API leaves it out).
    const stored: StoredRecord<K> = SINGLETONS.has(kind) ? Object.assign({}, input, meta, { id }) : Object.assign({ id }, input, meta);
    return { kind, before, next: stored, changed: !before || diff(before, stored, RECORD_META).length > 0 };
  }

  /** Writes a changed planned record and the receipt in one transaction (an unchanged one needs only the receipt). */
  commitPlanned<K extends MasterDataKind>(auth: AuthContext, planned: PlannedRecord<K>, receipt: Receipt) {
    return this.repository.put(auth.tenantId, planned.kind, planned.next, planned.before, receipt);
  }

  /** An inspection plan's material must exist, and its routing (when named) make that material and have the operation. */
  private async assertPlanReferences(tenantId: string, plan: MasterDataInputs['inspection-plan']) {
    const [material, routing] = await Promise.all([
      this.repository.get(tenantId, 'material', plan.materialId),
      plan.routingId === undefined ? undefined : this.repository.get(tenantId, 'routing', plan.routingId),
    ]);
    const errors = planReferenceProblems(plan, material, routing);
    if (errors.length) throw new UnknownReferenceError(errors);
  }

  /** Refuses references to records that do not exist, each reported at its own pointer. */
  async assertReferences(tenantId: string, references: readonly Reference[]): Promise<void> {
    const kinds = [...new Set(references.map((r) => r.kind))];
    const found = await Promise.all(
      kinds.map(async (kind) => {
        const records = await this.repository.getMany(
          tenantId,
          kind,
          references.filter((r) => r.kind === kind).map((r) => r.id),
        );
        return records.map((r) => `${kind}/${r.id}`);
      }),
    );
    const exists = new Set(found.flat());
    const errors = references
      .filter((r) => !exists.has(`${r.kind}/${r.id}`))
      .map((r) => ({ pointer: r.pointer, detail: `${LABEL[r.kind]} ${r.id} does not exist` }));
    if (errors.length) throw new UnknownReferenceError(errors);
  }

  /** The plant's reason list: the stored one, or the default while none is. */
  async reasonList(auth: AuthContext, list: ReasonListName): Promise<ReasonList> {
    return reasonListOf(list, await this.repository.get(auth.tenantId, 'reason-list', list));
  }

  /** All the lists in one read, for a client that shows names for codes. */
  async reasonLists(auth: AuthContext): Promise<Record<ReasonListName, ReasonList>> {
    const stored = await this.repository.getMany(auth.tenantId, 'reason-list', REASON_LISTS);
    const of = (list: ReasonListName) =>
      reasonListOf(
        list,
        stored.find((r) => r.id === list),
      );
    return { scrap: of('scrap'), pause: of('pause'), hold: of('hold'), defect: of('defect'), indirect: of('indirect') };
  }

  /** Replaces a reason list (versioned, audited); it must keep every code of the one before. */
  async putReasonList(auth: AuthContext, list: ReasonListName, input: MasterDataInputs['reason-list'], expectedVersion?: number) {
    const stored = await this.put(auth, 'reason-list', list, input, expectedVersion);
    const { id: _, ...record } = stored;
    return reasonListOf(list, record);
  }

  list<K extends MasterDataKind>(auth: AuthContext, kind: K, page: PageRequest) {
    return this.repository.list(auth.tenantId, kind, page);
  }
}
