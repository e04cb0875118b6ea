/** The port the inspection service talks to for results; shared/db/inspection-repository.ts implements it on DynamoDB. */
import type { CommandResult } from '../work-order/model.ts';
import type { InspectionRecord } from './inspections.ts';
import type { NonconformanceWrite } from './nonconformance.ts';
import type { SpcWrites } from './spc-repository.ts';

/** What recording one attempt writes (one TransactWriteItems). */
export interface InspectionCommit {
  /**
   * The order's consecutive changes: the recording's command result first, then what its SPC
   * violations do to the order (the nonconformance's hold, the plan's hold), written as ONE
   * order change with every result's audit record and events.
   */
  results: readonly CommandResult[];
  record: InspectionRecord;
  /** The attempt's SPC samples, monitors' states and violation events. */
  spc?: SpcWrites | undefined;
  /** A nonconformance a violation opens; its order change (`order`) is one of `results`, not written again. */
  nonconformance?: NonconformanceWrite | undefined;
}

export interface InspectionRepository {
  /**
   * The recorded attempts of an order's inspections (only operation `seq`'s when given), in
   * the order's item collection: one strongly consistent Query (more pages only past 1 MB).
   */
  results(tenantId: string, workOrderId: string, seq?: number): Promise<InspectionRecord[]>;
  /**
   * The order's command results (header, the operation's inspection progress, audit records,
   * `inspection.recorded` event; a violation's hold) and the attempt's record in ONE
   * TransactWriteItems; the record must not exist yet; with `spc`, the attempt's SPC samples,
   * monitors' states and violation events (issue 15) too; with `nonconformance`, the NC a
   * violation opens. Throws VersionConflictError when the order, a monitor's state, a hold
   * register or the NC counter changed meanwhile.
   */
  commit(tenantId: string, commit: InspectionCommit): Promise<void>;
}
