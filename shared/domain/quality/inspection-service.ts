/**
 * Inspection use cases (issue 15): what is due at an order's operations, and recording results.
 * Reads the order (one Query) and, for the due list with results, the recorded attempts (a
 * second Query, in parallel); recording is one TransactWriteItems with the order's change.
 */
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../auth/claims.ts';
import { type Clock, systemClock } from '../clock.ts';
import { NotFoundError } from '../errors.ts';
import { runCommand } from '../retry.ts';
import type { CommandContext } from '../work-order/commands.ts';
import type { WorkOrderRepository } from '../work-order/repository.ts';
import { recordInspection } from './inspection-commands.ts';
import type { InspectionRepository } from './inspection-repository.ts';
import { planSpcWrites } from './spc-monitor.ts';
import { attributeValues, type SpcSample } from './spc-model.ts';
import type { SpcStateReader } from './spc-repository.ts';
import { type Inspection, inspectionsOf, parseInspectionId, type RecordInspection } from './inspections.ts';

export interface WorkOrderInspections {
  workOrderId: string;
  inspections: Inspection[];
}

export class InspectionService {
  constructor(
    private readonly orders: WorkOrderRepository,
    private readonly inspections: InspectionRepository,
    private readonly clock: Clock = systemClock,
    /** The SPC monitors' states: an attempt's values are SPC samples, judged at write time (docs/spc.md). */
    private readonly spc?: SpcStateReader,
  ) {}

  private context(auth: AuthContext): CommandContext {
    return {
      tenantId: auth.tenantId,
      actor: { userId: auth.userId, name: auth.name, roles: auth.roles },
      now: this.clock.now().toISOString(),
      newId: uuidv7,
    };
  }

  /** The inspections of the order's operations (of operation `seq` only, when given); with the recorded attempts unless `results` is false. */
  async list(
    auth: AuthContext,
    workOrderId: string,
    options: { seq?: number | undefined; results?: boolean | undefined } = {},
  ): Promise<WorkOrderInspections> {
    const withResults = options.results ?? true;
    const [order, records] = await Promise.all([
      this.orders.get(auth.tenantId, workOrderId),
      withResults ? this.inspections.results(auth.tenantId, workOrderId, options.seq) : undefined,
    ]);
    if (!order) throw new NotFoundError(`work order ${workOrderId}`);
    const operations = options.seq === undefined ? order.operations : order.operations.filter((o) => o.seq === options.seq);
    if (options.seq !== undefined && operations.length === 0) throw new NotFoundError(`operation ${options.seq} of work order ${workOrderId}`);
    return {
      workOrderId: order.id,
      inspections: operations.flatMap((op) =>
        inspectionsOf(
          order,
          op,
          records?.filter((r) => r.seq === op.seq),
        ),
      ),
    };
  }

  /** Records one attempt; the answer is the inspection as it now stands, with this attempt's result. */
  record(auth: AuthContext, id: string, input: RecordInspection): Promise<Inspection> {
    const ref = parseInspectionId(id);
    if (!ref) throw new NotFoundError(`inspection ${id}`);
    return runCommand(auth.tenantId, `work-order/${ref.workOrderId}`, undefined, async () => {
      const order = await this.orders.get(auth.tenantId, ref.workOrderId);
      // Another tenant's order, like one that does not exist: its inspections are not found.
      if (!order) throw new NotFoundError(`inspection ${id}`);
      const ctx = this.context(auth);
      const recorded = recordInspection(ctx, order, ref, input);
      // Variable values as subgroups, attribute counts as 0/1 values (p and np charts), each of `insp:{planId}:{charId}`.
      const samples: SpcSample[] = [
        ...recorded.samples,
        ...recorded.attributeSamples.map(({ sampleSize, defectives, ...s }) => ({ ...s, values: attributeValues(sampleSize, defectives) })),
      ].map((s) => ({ ...s, workOrderId: ref.workOrderId, seq: ref.seq }));
      const spc =
        this.spc && samples.length
          ? planSpcWrites(
              ctx,
              samples,
              await this.spc.states(
                auth.tenantId,
                samples.map((s) => s.characteristicId),
              ),
            ).writes
          : undefined;
      await this.inspections.commit(auth.tenantId, recorded.result, recorded.record, spc);
      return recorded.inspection;
    });
  }
}
