/**
 * An inbound ERP delivery, end to end: verify the Standard Webhooks signature (the credential's
 * tenant becomes the caller), answer a redelivery from its receipt, parse JSON or B2MML, plan
 * every change with the domain services' own rules, then write the changes and the receipt in
 * ONE transaction. A refusal throws before anything is written, and stores no receipt.
 */
import { createHash } from 'node:crypto';
import type { ErpEventResult } from '../../api/integration-schemas.ts';
import type { AuthContext } from '../../auth/claims.ts';
import { AlreadyExistsError, IdempotencyKeyReusedError, StaleVersionError, VersionConflictError } from '../../domain/errors.ts';
import { retryOnConflict } from '../../domain/retry.ts';
import type { MasterDataService, PlannedRecord } from '../../domain/master-data/service.ts';
import type { WorkOrderAggregate } from '../../domain/work-order/model.ts';
import type { IdempotencyRecord, Receipt } from '../../domain/work-order/repository.ts';
import type { PlannedChange, WorkOrderService } from '../../domain/work-order/service.ts';
import type { LotService, PlannedLot } from '../../domain/tracking/lot-service.ts';
import { parseProductionSchedule } from '../b2mml.ts';
import type { IntegrationCredentialService } from '../credentials.ts';
import { type ErpChange, orderUpsert, parseJsonEvent } from '../erp-mapping.ts';
import { verifySignature } from './signature.ts';

export const RECEIPT_SCOPE = 'erp-inbound';
/** Standard Webhooks senders retry for about three days; a week covers every redelivery. */
const RECEIPT_TTL_SECONDS = 7 * 86_400;

export interface InboundRequest {
  credentialId: string;
  headers: Record<string, string | undefined>;
  rawBody: string;
  /** application/json, application/xml or text/xml (the route refused anything else). */
  contentType: string;
  /**
   * Fair use (issue 17): called with the credential's tenant once the signature is verified,
   * before anything is read or written; throws to refuse (429). Unsigned requests never spend
   * the plant's tokens.
   */
  admit?: (tenantId: string) => Promise<void>;
}

type Result = ErpEventResult['results'][number];
type Planned =
  | { kind: 'orders'; changes: PlannedChange[] }
  | { kind: 'master-data'; entity: Result['entity']; record: PlannedRecord }
  /** A goods receipt: the lot to write, or the lot of that number that is there already (nothing written). */
  | { kind: 'lot'; id: string; planned?: PlannedLot; version: number };

export class ErpInboundService {
  constructor(
    private readonly credentials: IntegrationCredentialService,
    private readonly workOrders: WorkOrderService,
    private readonly masterData: MasterDataService,
    private readonly lots: LotService,
    /**
     * Issue 18: called once an order the ERP cancelled is committed (not on a replay), to clock
     * off whoever is still on it; its failure is the hook's to log (labor reads end such entries
     * at `cancelledAt` anyway).
     */
    private readonly onCancelled: (auth: AuthContext, order: WorkOrderAggregate) => Promise<void> = async () => undefined,
  ) {}

  async receive(request: InboundRequest): Promise<{ body: ErpEventResult; replayed: boolean }> {
    const sender = await this.credentials.secretsFor(request.credentialId);
    const webhookId = verifySignature(sender.credentialId, sender.secrets, request.headers, request.rawBody);
    await request.admit?.(sender.tenantId);
    const auth: AuthContext = { tenantId: sender.tenantId, userId: `integration:${sender.credentialId}`, name: sender.name, roles: ['integration'] };
    const requestHash = createHash('sha256').update(request.rawBody).digest('base64url');

    const earlier = await this.workOrders.receipt(auth, RECEIPT_SCOPE, webhookId);
    if (earlier) return replay(earlier, requestHash, webhookId);

    const { type, changes } = parse(request);
    // Planned on what is current, and planned again when another write came first (retry.ts):
    // an ERP's delivery is a command without If-Match.
    return retryOnConflict(undefined, async () => {
      const planned = await this.plan(auth, changes);
      const body: ErpEventResult = { webhookId, type, results: results(planned) };
      const receipt: Receipt = { scope: RECEIPT_SCOPE, key: webhookId, requestHash, response: body, ttlSeconds: RECEIPT_TTL_SECONDS };
      try {
        const { replay: first } = await this.commit(auth, planned, receipt);
        if (first) return replay(first, requestHash, webhookId);
        if (planned.kind === 'orders') {
          for (const c of planned.changes) if (c.outcome === 'cancelled' && c.result) await this.onCancelled(auth, c.result.after);
        }
        return { body, replayed: false };
      } catch (error) {
        // A concurrent duplicate may lose on the order's condition before the receipt's: its
        // receipt, once there, is the answer. Otherwise someone else's write came first.
        if (!(error instanceof StaleVersionError || error instanceof AlreadyExistsError)) throw error;
        const first = await this.receiptOfRace(auth, webhookId);
        if (first) return replay(first, requestHash, webhookId);
        throw error instanceof VersionConflictError ? error : new VersionConflictError((error as Error).message);
      }
    });
  }

  /**
   * The receipt of a concurrent delivery that won. A transaction conflict may be reported while
   * the winner is still committing, so it is looked for a few times, briefly.
   */
  private async receiptOfRace(auth: AuthContext, webhookId: string) {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      const first = await this.workOrders.receipt(auth, RECEIPT_SCOPE, webhookId);
      if (first) return first;
    }
    return undefined;
  }

  /** Every change checked against the current state and master data; nothing written yet. */
  private async plan(auth: AuthContext, changes: ErpChange[]): Promise<Planned> {
    const receipt = changes.find((c) => c.kind === 'lot.received');
    if (receipt) {
      // A receipt of a lot number the MES has already (sent again under a new webhook-id) changes nothing.
      const existing = receipt.input.id ? await this.lots.find(auth, receipt.input.id) : undefined;
      if (existing) return { kind: 'lot', id: existing.id, version: existing.version };
      const planned = await this.lots.planReceive(auth, receipt.input, receipt.pointer);
      return { kind: 'lot', id: planned.lot.id, planned, version: planned.lot.version };
    }
    const master = changes.find((c) => c.kind === 'master-data');
    if (master) {
      await this.masterData.assertReferences(auth.tenantId, master.references);
      return { kind: 'master-data', entity: master.entity, record: await this.masterData.plan(auth, master.entity, master.id, master.input) };
    }
    const planned = await Promise.all(
      changes.map((c) => {
        if (c.kind === 'production-order.upserted') return this.workOrders.planUpsert(auth, c.order, c.pointer);
        if (c.kind === 'production-order.cancelled') return this.workOrders.planCancel(auth, c.id, c.reason, c.pointer);
        throw new Error('a master data change or goods receipt travels alone');
      }),
    );
    return { kind: 'orders', changes: planned };
  }

  private commit(auth: AuthContext, planned: Planned, receipt: Receipt): Promise<{ replay?: IdempotencyRecord }> {
    if (planned.kind === 'master-data' && planned.record.changed) return this.masterData.commitPlanned(auth, planned.record, receipt);
    if (planned.kind === 'lot' && planned.planned) return this.lots.commitPlanned(auth, planned.planned, receipt);
    // Orders, or unchanged master data: the receipt alone when nothing changes.
    return this.workOrders.commitPlanned(auth, planned.kind === 'orders' ? planned.changes : [], receipt);
  }
}

function parse(request: InboundRequest) {
  if (request.contentType === 'application/json') return parseJsonEvent(request.rawBody);
  const orders = parseProductionSchedule(request.rawBody);
  return { type: 'production-order.upserted' as const, changes: orders.map((o) => orderUpsert(o.data, o.pointer)) };
}

function results(planned: Planned): Result[] {
  if (planned.kind === 'orders') return planned.changes.map((c) => ({ entity: 'workOrder', id: c.id, outcome: c.outcome, version: c.version }));
  if (planned.kind === 'lot')
    return [{ entity: 'lot', id: planned.id, outcome: planned.planned ? 'created' : 'unchanged', version: planned.version }];
  const { record } = planned;
  return [
    {
      entity: planned.entity,
      id: record.next.id,
      outcome: !record.changed ? 'unchanged' : record.before ? 'updated' : 'created',
      version: record.changed ? record.next.version : (record.before?.version ?? 0),
    },
  ];
}

function replay(first: IdempotencyRecord, requestHash: string, webhookId: string) {
  if (first.requestHash !== requestHash) {
    throw new IdempotencyKeyReusedError(`webhook-id ${webhookId} was first delivered with a different body: a changed event needs a new webhook-id`);
  }
  return { body: first.response as ErpEventResult, replayed: true };
}
