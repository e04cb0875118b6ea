/** The SPC service's port to storage (shared/db/spc-repository.ts implements it). */
import type { AuditRecord, OutboxEvent } from '../work-order/model.ts';
import type { MonitorState } from './spc-monitor.ts';
import type { Baseline, SpcSample } from './spc-model.ts';

/** What writing samples does: the values, and per characteristic the monitor's state before and after with its violation events. */
export interface SpcWrites {
  samples: readonly SpcSample[];
  monitored: readonly {
    characteristicId: string;
    before: MonitorState | undefined;
    next: MonitorState | undefined;
    events: readonly OutboxEvent[];
  }[];
}

export interface BaselineCommit {
  baseline: Baseline;
  before: MonitorState | undefined;
  next: MonitorState;
  audit: AuditRecord;
  event: OutboxEvent;
}

/** Reads the monitor's state items: what a writer of samples needs first (one BatchGetItem). */
export interface SpcStateReader {
  states(tenantId: string, characteristicIds: readonly string[]): Promise<Map<string, MonitorState>>;
}

export interface SpcRepository extends SpcStateReader {
  state(tenantId: string, characteristicId: string): Promise<MonitorState | undefined>;
  /** The samples taken in [from, to), in time order, and how many Query pages it took. */
  samples(tenantId: string, characteristicId: string, from: string, to: string): Promise<{ samples: SpcSample[]; pages: number }>;
  baseline(tenantId: string, characteristicId: string, version: number): Promise<Baseline | undefined>;
  /** One transaction; VersionConflictError when the state changed since it was read. */
  commitBaseline(tenantId: string, commit: BaselineCommit): Promise<void>;
  /** Samples on their own, in one transaction; VersionConflictError when a state changed since it was read. */
  write(tenantId: string, writes: SpcWrites): Promise<void>;
}
