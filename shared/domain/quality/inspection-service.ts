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
import type { MasterDataRepository } from '../master-data/repository.ts';
import { reasonListOf } from '../master-data/reason-lists.ts';
import type { CommandResult } from '../work-order/model.ts';
import { type RecordedInspection, recordInspection } from './inspection-commands.ts';
import type { NonconformanceWrite } from './nonconformance.ts';
import type { NonconformanceService } from './nonconformance-service.ts';
import type { SpcViolation } from './spc-monitor.ts';
import { holdForViolation, qualityHoldReason, reactionsTo, violationDefect, violationReport } from './spc-reactions.ts';
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
    /** What a violation does as its plan says (spc-reactions.ts): the NC it opens, the plant's hold and defect lists. */
    private readonly reactions?: ViolationReactions,
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
            )
          : undefined;
      const { results, nonconformance } = await this.react(auth, ctx, recorded, spc?.violations ?? []);
      await this.inspections.commit(auth.tenantId, { results, record: recorded.record, spc: spc?.writes, nonconformance });
      return recorded.inspection;
    });
  }

  /**
   * What the attempt's violations do, as the plan says (docs/quality.md "What a violation
   * does"): the order's changes after the recording (the NC's hold, else the plan's hold) and
   * the NC, to be written with the recording in its transaction: all or nothing.
   */
  private async react(
    auth: AuthContext,
    ctx: CommandContext,
    recorded: RecordedInspection,
    violations: readonly SpcViolation[],
  ): Promise<{ results: CommandResult[]; nonconformance?: NonconformanceWrite | undefined }> {
    const results = [recorded.result];
    const { record } = recorded;
    const plan = recorded.result.after.operations.find((o) => o.seq === record.seq)?.inspectionPlans?.find((p) => p.planId === record.planId);
    if (!this.reactions || !plan || violations.length === 0) return { results };
    const asked = reactionsTo(plan, violations);
    if (!asked.nonconformance && !asked.hold) return { results };
    const { nonconformances, masterData } = this.reactions;
    const [defects, holds] = await Promise.all([
      asked.nonconformance ? masterData.get(auth.tenantId, 'reason-list', 'defect') : undefined,
      asked.hold ? masterData.get(auth.tenantId, 'reason-list', 'hold') : undefined,
    ]);
    let order = recorded.result.after;
    let nonconformance: NonconformanceWrite | undefined;
    if (asked.nonconformance) {
      // Found by the person who recorded the result; its hold on the order follows the recording's change.
      const report = violationReport({
        order,
        seq: record.seq,
        inspectionId: record.inspectionId,
        sampleSize: record.sampleSize,
        defectCode: violationDefect(reasonListOf('defect', defects)),
        violations: asked.violations,
      });
      nonconformance = await nonconformances.prepareReport(auth, report, { order });
      if (nonconformance.order) {
        results.push(nonconformance.order);
        order = nonconformance.order.after;
      }
    }
    if (asked.hold) {
      // On hold already (the NC's hold just now, or an earlier one): nothing more.
      const held = holdForViolation(ctx, order, qualityHoldReason(reasonListOf('hold', holds)), record.inspectionId, asked.violations);
      if (held) results.push(held);
    }
    return { results, nonconformance };
  }
}

/** The NC seam and the reason lists a violation's reactions need. */
export interface ViolationReactions {
  nonconformances: Pick<NonconformanceService, 'prepareReport'>;
  masterData: Pick<MasterDataRepository, 'get'>;
}
