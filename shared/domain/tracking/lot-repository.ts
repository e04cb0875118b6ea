import type { Signature } from '../signatures/model.ts';
/** The port the lot service talks to; shared/db/lot-repository.ts implements it on DynamoDB. */
import type { IdempotencyRecord, Page, PageRequest, Receipt } from '../work-order/repository.ts';
import type { LotAggregate, LotCommandResult } from './lots.ts';
import type { LotStatus, MaterialLot, Movement } from './model.ts';

/** A number counter moved on by a command (numbering.ts): written in its transaction, conditioned on `from`. */
export interface CounterAdvance {
  kind: 'lot' | 'serial';
  materialId: string;
  from: number;
  to: number;
}

export interface LotRepository {
  /** One strongly consistent GetItem. */
  get(tenantId: string, id: string): Promise<LotAggregate | undefined>;
  /** The lots of these ids that exist, strongly consistent. */
  getMany(tenantId: string, ids: readonly string[]): Promise<LotAggregate[]>;
  /**
   * One TransactWriteItems: every lot (new ones conditioned on being new, changed ones on the
   * version read), their movements, audit records, outbox events, the genealogy edges (both
   * directions), the counters moved and the receipt. Throws AlreadyExistsError when a new lot's
   * id is taken, VersionConflictError when a lot or counter changed meanwhile; returns the
   * earlier record when the receipt's key was used.
   */
  commit(
    tenantId: string,
    result: LotCommandResult,
    options?: { counters?: readonly CounterAdvance[]; receipt?: Receipt },
  ): Promise<{ replay?: IdempotencyRecord }>;
  /** Its electronic signatures, oldest first (issue 16). */
  signatures(tenantId: string, id: string): Promise<Signature[]>;
  /** When it was last put on hold (its newest hold movement), if ever. */
  heldSince(tenantId: string, id: string): Promise<string | undefined>;
  /** A tenant's lots, of one material and/or one status, oldest first. */
  list(tenantId: string, filter: { materialId?: string | undefined; status?: LotStatus | undefined }, page: PageRequest): Promise<Page<MaterialLot>>;
  /** A lot's movements, oldest first. */
  movements(tenantId: string, id: string, page: PageRequest): Promise<Page<Movement>>;
  /**
   * The available lots of these materials staged at a work center (where a backflush draws
   * from): one Query per material of its available lots (eventually consistent: the command
   * reads the lots it picks again, strongly, and writes on their versions).
   */
  staged(tenantId: string, materialIds: readonly string[], workCenterId: string): Promise<MaterialLot[]>;
  /** The last number a material's lot or serial counter gave (0: none yet), strongly consistent. */
  counter(tenantId: string, kind: 'lot' | 'serial', materialId: string): Promise<number>;
}
