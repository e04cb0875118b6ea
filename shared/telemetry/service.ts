/**
 * The telemetry read side: live status, OEE of a unit, a work center or a work order, downtime
 * events and their reasons, the state change feed. It reads stored facts (state transitions,
 * minute aggregates, operation contexts) and computes every figure at read time with the pure
 * functions of shared/domain/telemetry, so late data corrects every figure by itself. It talks
 * to the repository ports only; functions/lib/telemetry-services.ts wires their adapters.
 */
import type { AuthContext } from '../auth/claims.ts';
import type { DowntimeEvent as DowntimeEventView, Oee } from '../api/schemas.ts';
import type { Equipment } from '../domain/master-data/model.ts';
import type { MinuteBucket, StoredStateTransition, TelemetryReadRepository } from '../domain/telemetry/repository.ts';
import { type CounterSegment, countIndex } from '../domain/telemetry/counters.ts';
import { type Interval, intersectIntervals, subtractIntervals, unionIntervals } from '../domain/telemetry/intervals.ts';
import { type ProcessAggregate, type ProcessAggregates, summarize } from '../domain/telemetry/process.ts';
import {
  NO_REASON,
  type ReasonNode,
  applyReasonAssignments,
  computeOee,
  downtimePareto,
  lossOf,
  plannedInService,
  reasonsForEvents,
} from '../domain/telemetry/oee.ts';
import { type ShiftCalendar, plannedProductionTime, shiftOccurrences } from '../domain/telemetry/shifts.ts';
import { type PresenceFacts, onlineAt, presenceDown, silenceLimitMs } from '../domain/telemetry/presence.ts';
import {
  type DowntimeEvent,
  type SeenSpan,
  type StateSegment,
  type StateTransition,
  buildTimeline,
  commissioning,
} from '../domain/telemetry/timeline.ts';
import { NotFoundError, UnknownReferenceError, ValidationError } from '../domain/errors.ts';
import { runCommand } from '../domain/retry.ts';
import type { MasterDataRepository } from '../domain/master-data/repository.ts';
import type { WorkOrderRepository } from '../domain/work-order/repository.ts';
import { type Clock, systemClock } from '../domain/clock.ts';
import { type UnitDay, dayAnswers, readingsAsSegments } from '../domain/telemetry/rollup.ts';
import { MAX_DAILY_RETENTION_DAYS, retentionOf } from '../domain/telemetry/retention.ts';
import { groupOf } from './groups.ts';
import { thingName } from './device-identity.ts';
import { OperationContextReader, type ContextInterval } from './context.ts';
import type { LiveView } from './live-view.ts';
import { emptyEntry } from '../domain/telemetry/live-view.ts';

/**
 * What the telemetry side reads of maintenance (issue 18, docs/maintenance.md): the planned
 * maintenance of a unit (intervals taken out of planned production time, as planned stops are)
 * and the requests raised from its stops (shown on the downtime events).
 */
export interface MaintenanceFacts {
  plannedMaintenance(tenantId: string, equipmentId: string, from: number, to: number): Promise<Interval[]>;
  downtimeLinks(tenantId: string, equipmentId: string, from: number, to: number): Promise<{ stopStart: string; requestId: string; status: string }[]>;
}

export interface RangeQuery {
  from?: string | undefined;
  to?: string | undefined;
  shift?: string | undefined;
  date?: string | undefined;
}

/** What OEE is computed from, per unit: summed for a work center, restricted for a work order. */
interface UnitFigures {
  plannedIntervals: Interval[];
  result: ReturnType<typeof computeOee>;
  events: DowntimeEvent[];
  idealTimeSeconds: number;
  /** The state timeline: its last segment says since when the current state has held. */
  segments: StateSegment[];
  /** When the unit's figures start (null: not commissioned, nothing counts yet). */
  commissionedAt: number | null;
  /** Its presence over the range, and the silence that makes it offline (heartbeat units only). */
  presence: PresenceFacts;
  silenceLimitMs: number | undefined;
  transitions: StateTransition[];
}

const DAY_MS = 86_400_000;

/**
 * When a unit's figures start: the date set on it, else its first data: its first state
 * message, or the earliest minute item read for the range (counts sent before any state).
 */
function commissionedAtOf(unit: Equipment, firstState: number | undefined, seen: readonly SeenSpan[]): number | null {
  if (unit.commissionedAt) return Date.parse(unit.commissionedAt);
  let firstSeen: number | undefined;
  for (const s of seen) firstSeen = Math.min(firstSeen ?? s.first, s.first);
  return commissioning({ firstData: [firstState, firstSeen] });
}

export class TelemetryService {
  private readonly contexts: OperationContextReader;

  constructor(
    private readonly telemetry: TelemetryReadRepository,
    private readonly masterData: MasterDataRepository,
    private readonly orders: WorkOrderRepository,
    private readonly clock: Clock = systemClock,
    /** The plant's live view: what the plant status reads, and where a reason given to a unit's current stop shows. */
    private readonly live?: LiveView,
    /** Maintenance (issue 18): planned maintenance windows (out of planned production time) and the requests raised from stops. */
    private readonly maintenance?: MaintenanceFacts,
  ) {
    this.contexts = new OperationContextReader(telemetry);
  }

  // ---------- master data this side needs ----------

  private async equipment(auth: AuthContext, id: string): Promise<Equipment> {
    const record = await this.masterData.get(auth.tenantId, 'equipment', id);
    if (!record) throw new NotFoundError(`equipment ${id}`);
    return record;
  }

  private async calendar(auth: AuthContext): Promise<(ShiftCalendar & { setupIsPlanned: boolean }) | undefined> {
    const record = await this.masterData.get(auth.tenantId, 'shift-calendar', 'shift-calendar');
    if (!record) return undefined;
    const stops = record.plannedStops ?? [];
    return {
      timeZone: record.timeZone,
      shifts: record.shifts,
      plannedStops: stops.map((s) => ({
        start: Date.parse(s.start),
        end: Date.parse(s.end),
        reason: s.reason,
        ...(s.equipmentIds ? { equipmentIds: s.equipmentIds } : {}),
      })),
      setupIsPlanned: record.setupIsPlanned === true,
    };
  }

  private async retention(auth: AuthContext) {
    return retentionOf(await this.masterData.get(auth.tenantId, 'settings', 'settings'));
  }

  private async reasonTree(auth: AuthContext): Promise<{ tree: ReasonNode[]; names: Map<string, string> }> {
    const record = await this.masterData.get(auth.tenantId, 'downtime-reasons', 'downtime-reasons');
    const flat = record?.reasons ?? [];
    const nodes = new Map(
      flat.map((r) => [r.code, { code: r.code, name: r.name, ...(r.loss ? { loss: r.loss } : {}), children: [] as ReasonNode[] }]),
    );
    const roots: ReasonNode[] = [];
    for (const r of flat) {
      const node = nodes.get(r.code)!;
      const parent = r.parentCode ? nodes.get(r.parentCode) : undefined;
      if (parent) parent.children.push(node);
      else roots.push(node);
    }
    return { tree: roots, names: new Map(flat.map((r) => [r.code, r.name])) };
  }

  /**
   * from/to, or a shift on a plant-local date; default: today so far (plant-local). At most
   * `maxDays`: 31 for what reads minute items only, longer for OEE, which reads day items.
   */
  private async range(_auth: AuthContext, query: RangeQuery, calendar?: ShiftCalendar, maxDays = 31): Promise<{ from: number; to: number }> {
    const now = this.clock.now().getTime();
    if (query.shift || query.date) {
      if (!query.shift || !query.date) throw new ValidationError([{ pointer: '/query/shift', detail: 'shift and date go together' }]);
      if (!calendar) throw new UnknownReferenceError('no shift calendar: PUT /v1/shift-calendar first');
      const day = Date.parse(`${query.date}T00:00:00Z`);
      const found = shiftOccurrences(calendar, day - DAY_MS, day + 2 * DAY_MS).find((o) => o.name === query.shift && o.date === query.date);
      if (!found) throw new NotFoundError(`shift ${query.shift} on ${query.date}`);
      return { from: found.start, to: Math.min(found.end, now) };
    }
    const to = query.to ? Date.parse(query.to) : now;
    const from = query.from ? Date.parse(query.from) : startOfLocalDay(now, calendar?.timeZone ?? 'UTC');
    if (!(to > from)) throw new ValidationError([{ pointer: '/query/from', detail: 'must be before to' }]);
    if (to - from > maxDays * DAY_MS) throw new ValidationError([{ pointer: '/query/from', detail: `ranges are limited to ${maxDays} days` }]);
    return { from, to };
  }

  // ---------- facts of one unit ----------

  /** A unit's presence over [from, to) (and in force at `from`): its connection's lifecycle events (its gateway's when it has one) and its declared link. */
  private async presenceOf(auth: AuthContext, unit: Equipment, from: number, to: number): Promise<PresenceFacts> {
    const [connection, declared] = await Promise.all([
      this.telemetry.connectionEvents(auth.tenantId, connectionClientId(auth.tenantId, unit), from, to),
      this.telemetry.declaredPresence(auth.tenantId, unit.id, from, to),
    ]);
    return {
      connection: connection.map((e) => ({ ts: e.ts, version: e.version, connected: e.connected })),
      declared: declared.map((d) => ({ ts: d.ts, online: d.online, msgId: d.msgId })),
    };
  }

  private async unitFacts(auth: AuthContext, unit: Equipment, from: number, to: number, read: RangeRead = { days: false }) {
    const silence = silenceLimitMs(unit);
    // How far around the range minute items are read: the heartbeat's silence, or two minutes.
    const margin = silence ?? BUCKET_MARGIN_MS;
    const [transitions, data, firstState, presence] = await Promise.all([
      this.telemetry.stateTransitions(auth.tenantId, unit.id, from, to),
      // Past `to` too: the first reading at or after `to` is what places the counts made just before it.
      this.unitRange(auth.tenantId, unit.id, from - margin, to + margin, read),
      // Read every time (one item), beside the others: late or replayed data can still move it earlier.
      unit.commissionedAt ? undefined : this.telemetry.firstState(auth.tenantId, unit.id),
      this.presenceOf(auth, unit, from, to),
    ]);
    const { seen, segments, minutes, days } = data;
    // Transitions are not 'seen' spans: the one in force before `from` may be days old, and
    // buildTimeline already treats the transitions inside the range as data.
    const commissionedAt = commissionedAtOf(unit, firstState?.ts, seen);
    return { transitions: transitions.map(toTransition), seen, segments, minutes, days, silenceLimitMs: silence, presence, commissionedAt };
  }

  /**
   * A unit's counts, process values and seen spans over [lo, hi): with `read.days`, each whole
   * UTC day that has a day item (shared/domain/telemetry/rollup.ts) from it, except the days in
   * `read.minutesFor`; minute items for the rest. One Query for the day items of the range, one
   * per UTC day of minute items still read.
   */
  private async unitRange(tenantId: string, unitId: string, lo: number, hi: number, read: RangeRead) {
    const group = groupOf(unitId);
    const firstDay = Math.ceil(lo / DAY_MS) * DAY_MS;
    const endDay = Math.floor(hi / DAY_MS) * DAY_MS;
    const dayItems = read.days && endDay > firstDay ? await this.telemetry.dayBuckets(tenantId, group, firstDay, endDay) : [];
    const days = new Map<number, UnitDay | undefined>();
    for (const d of dayItems) if (!read.minutesFor?.has(d.day)) days.set(d.day, d.units[unitId]);
    // The rest of [lo, hi), in spans between the days answered by day items.
    const spans: Interval[] = [];
    let cursor = lo;
    for (const day of [...days.keys()].sort((a, b) => a - b)) {
      if (day > cursor) spans.push({ start: cursor, end: day });
      cursor = day + DAY_MS;
    }
    if (hi > cursor) spans.push({ start: cursor, end: hi });
    const buckets = (await Promise.all(spans.map((s) => this.telemetry.buckets(tenantId, group, s.start, s.end)))).flat();
    const seen: SeenSpan[] = [];
    const segments: CounterSegment[] = [];
    const minutes: { minute: number; process: ProcessAggregates }[] = [];
    const entries: { at: number; day?: UnitDay; minute?: MinuteBucket['units'][string] }[] = [
      ...[...days].flatMap(([at, day]) => (day ? [{ at, day }] : [])),
      ...buckets.flatMap((b) => (b.units[unitId] ? [{ at: b.minute, minute: b.units[unitId] }] : [])),
    ].sort((x, y) => x.at - y.at);
    for (const e of entries) {
      if (e.day) {
        seen.push(...e.day.seen);
        segments.push(...readingsAsSegments(e.day.readings));
        minutes.push({ minute: e.at, process: e.day.process });
      } else if (e.minute) {
        seen.push({ first: e.minute.firstSeen, last: e.minute.lastSeen });
        segments.push(...e.minute.counts);
        minutes.push({ minute: e.at, process: e.minute.process });
      }
    }
    return { seen, segments, minutes, days };
  }

  /** People's reasons for the stops of a timeline: under their identities (which may precede the range by days), and older records. */
  private reasonsFor(auth: AuthContext, unit: Equipment, events: readonly DowntimeEvent[], from: number, to: number, consistent = false) {
    const earliest = Math.min(from - DAY_MS, ...events.map((e) => e.stopStart));
    return this.telemetry.downtimeReasons(auth.tenantId, unit.id, earliest, to, consistent);
  }

  /** OEE figures of one unit over [from, to), optionally only within `within` (a work order's run). */
  private async unitFigures(
    auth: AuthContext,
    unit: Equipment,
    from: number,
    to: number,
    calendar: Awaited<ReturnType<TelemetryService['calendar']>>,
    within?: Interval[],
  ): Promise<UnitFigures> {
    const [coarse, contexts, maintenance] = await Promise.all([
      this.unitFacts(auth, unit, from, to, { days: true }),
      this.contexts.forUnit(auth.tenantId, unit, from, to),
      this.maintenance ? this.maintenance.plannedMaintenance(auth.tenantId, unit.id, from, to) : [],
    ]);
    // Planned time and the pieces its counts are split into (by the material running).
    const plannedOf = (commissionedAt: number | null) => {
      let planned = plannedInService(
        calendar ? plannedProductionTime(calendar, from, to, { equipmentId: unit.id }).intervals : [{ start: from, end: to }],
        commissionedAt,
      );
      // Planned maintenance (a planned request's window while it was worked) is no planned production time (MES.md, OEE).
      if (maintenance.length) planned = subtractIntervals(unionIntervals(planned), unionIntervals(maintenance));
      if (within) planned = intersectIntervals(unionIntervals(planned), unionIntervals(within));
      return { planned, pieces: unionIntervals(planned).flatMap((p) => splitByContext(p, contexts)) };
    };
    // A day item answers when it was cut at every boundary inside its readings (rollup.ts);
    // else that day is read from its minute items, as long as they are kept.
    let facts = coarse;
    const boundaries = plannedOf(coarse.commissionedAt).pieces.flatMap((p) => [p.start, p.end]);
    const stale = [...coarse.days]
      .filter(
        ([day, d]) =>
          d &&
          !dayAnswers(
            d,
            boundaries.filter((b) => b > day && b < day + DAY_MS),
            // Silence matters only to a unit with a declared heartbeat (presence makes offline otherwise).
            coarse.silenceLimitMs ?? Number.POSITIVE_INFINITY,
          ),
      )
      .map(([day]) => day);
    if (stale.length) {
      const keptFrom = this.clock.now().getTime() - ((await this.retention(auth)).minuteDays - 1) * DAY_MS;
      const minutesFor = new Set(stale.filter((day) => day >= keptFrom));
      if (minutesFor.size) facts = await this.unitFacts(auth, unit, from, to, { days: true, minutesFor });
    }
    const timeline = buildTimeline(
      { transitions: facts.transitions, seen: facts.seen, from, to, commissionedAt: facts.commissionedAt, presence: facts.presence },
      { offlineAfterMs: facts.silenceLimitMs, setupIsPlanned: calendar?.setupIsPlanned ?? false },
    );
    const assignments = await this.reasonsFor(auth, unit, timeline.downtime, from, to);
    // Time before commissioning is not planned: neither run time nor downtime.
    const { planned, pieces } = plannedOf(facts.commissionedAt);
    const counts = countIndex(facts.segments, unit.counterMax ? { counterMax: unit.counterMax } : {});
    let good = 0;
    let reject = 0;
    let idealTimeSeconds = 0;
    // Counts in planned time only, split by the material running, for its ideal cycle time.
    for (const piece of pieces) {
      const c = counts.between(piece.start, piece.end);
      good += c.good;
      reject += c.reject;
      const ideal = (piece.materialId ? unit.idealCycleTimes?.[piece.materialId] : undefined) ?? unit.idealCycleTimeSeconds ?? 0;
      idealTimeSeconds += ideal * (c.good + c.reject);
    }
    const events = applyReasonAssignments(timeline.downtime, assignments, { from, lastTransitionBefore: lastBefore(facts.transitions, from) });
    const total = good + reject;
    const result = computeOee({
      plannedIntervals: planned,
      segments: timeline.segments,
      counts: { good, reject },
      idealCycleTimeSeconds: total > 0 && idealTimeSeconds > 0 ? idealTimeSeconds / total : (unit.idealCycleTimeSeconds ?? null),
      setupIsPlanned: calendar?.setupIsPlanned ?? false,
    });
    return {
      plannedIntervals: planned,
      result,
      events,
      idealTimeSeconds,
      segments: timeline.segments,
      commissionedAt: facts.commissionedAt,
      presence: facts.presence,
      silenceLimitMs: facts.silenceLimitMs,
      transitions: facts.transitions,
    };
  }

  private async view(auth: AuthContext, from: number, to: number, figures: UnitFigures[]): Promise<Oee> {
    const { tree, names } = await this.reasonTree(auth);
    const sum = (f: (u: UnitFigures) => number) => figures.reduce((acc, u) => acc + f(u), 0);
    const planned = sum((u) => u.result.plannedTimeMs);
    const run = sum((u) => u.result.runTimeMs);
    const good = sum((u) => u.result.goodCount);
    const reject = sum((u) => u.result.rejectCount);
    const total = good + reject;
    const idealTime = sum((u) => u.idealTimeSeconds) * 1000;
    const byState: Record<string, number> = {};
    for (const u of figures) for (const [k, v] of Object.entries(u.result.downtimeByState)) byState[k] = (byState[k] ?? 0) + v / 1000;
    const pareto = new Map<string, { seconds: number; count: number }>();
    for (const u of figures) {
      for (const p of downtimePareto(u.events, u.plannedIntervals)) {
        const code = p.reasonCode ?? (p.state ? `(${p.state})` : NO_REASON);
        const entry = pareto.get(code) ?? { seconds: 0, count: 0 };
        entry.seconds += p.durationMs / 1000;
        entry.count += p.count;
        pareto.set(code, entry);
      }
    }
    const downtimeSeconds = sum((u) => u.result.downtimeMs) / 1000;
    const paretoTotal = [...pareto.values()].reduce((a, p) => a + p.seconds, 0);
    // A unit's view says when its figures start (a work center's units may each start elsewhere).
    const unit = figures.length === 1 ? figures[0] : undefined;
    const commissionedAt = unit?.commissionedAt != null ? { commissionedAt: new Date(unit.commissionedAt).toISOString() } : {};
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      ...commissionedAt,
      plannedTimeSeconds: planned / 1000,
      runTimeSeconds: run / 1000,
      downtimeSeconds,
      downtimeByState: byState,
      totalCount: total,
      goodCount: good,
      rejectCount: reject,
      idealCycleTimeSeconds: total > 0 && idealTime > 0 ? idealTime / 1000 / total : null,
      availability: planned > 0 ? run / planned : null,
      performance: run > 0 && idealTime > 0 ? idealTime / run : null,
      quality: total > 0 ? good / total : null,
      oee: planned > 0 && idealTime > 0 && total > 0 ? (good * (idealTime / total)) / planned : null,
      pareto: [...pareto]
        .map(([reasonCode, p]) => {
          const loss = reasonCode.startsWith('(') ? undefined : lossOf(tree, reasonCode);
          const name = names.get(reasonCode);
          return {
            reasonCode,
            ...(name ? { reasonName: name } : {}),
            ...(loss ? { loss } : {}),
            seconds: p.seconds,
            count: p.count,
            share: paretoTotal > 0 ? p.seconds / paretoTotal : 0,
          };
        })
        .sort((a, b) => b.seconds - a.seconds || b.count - a.count),
    };
  }

  // ---------- use cases ----------

  async equipmentOee(auth: AuthContext, id: string, query: RangeQuery): Promise<Oee> {
    const [unit, calendar] = await Promise.all([this.equipment(auth, id), this.calendar(auth)]);
    const { from, to } = await this.range(auth, query, calendar, OEE_MAX_DAYS);
    return this.view(auth, from, to, [await this.unitFigures(auth, unit, from, to, calendar)]);
  }

  /** A work center or line: the work units under it, or itself when it has none. */
  async workCenterOee(auth: AuthContext, id: string, query: RangeQuery): Promise<Oee> {
    const [center, calendar] = await Promise.all([this.equipment(auth, id), this.calendar(auth)]);
    const { from, to } = await this.range(auth, query, calendar, OEE_MAX_DAYS);
    const units = await this.unitsUnder(auth, center);
    return this.view(auth, from, to, await Promise.all(units.map((u) => this.unitFigures(auth, u, from, to, calendar))));
  }

  /** A work order: its work centers' units, only while its operations ran there. */
  async workOrderOee(auth: AuthContext, id: string, query: RangeQuery): Promise<Oee> {
    const [order, calendar] = await Promise.all([this.orders.get(auth.tenantId, id), this.calendar(auth)]);
    if (!order) throw new NotFoundError(`work order ${id}`);
    const now = this.clock.now().getTime();
    const started = order.startedAt ? Date.parse(order.startedAt) : now;
    const ended = order.completedAt ? Date.parse(order.completedAt) : now;
    const range =
      query.from || query.to || query.shift
        ? await this.range(auth, query, calendar, OEE_MAX_DAYS)
        : { from: started, to: Math.max(ended, started + 1) };
    const figures: UnitFigures[] = [];
    for (const workCenterId of new Set(order.operations.map((o) => o.workCenterId))) {
      const center = await this.masterData.get(auth.tenantId, 'equipment', workCenterId);
      if (!center) continue;
      const running = await this.contexts.intervalsOfOrder(auth.tenantId, workCenterId, id, range.from, range.to);
      if (running.length === 0) continue;
      for (const unit of await this.unitsUnder(auth, center))
        figures.push(await this.unitFigures(auth, unit, range.from, range.to, calendar, running));
    }
    return this.view(auth, range.from, range.to, figures);
  }

  /** Per operation: what the machines at its work center counted and measured while it ran. */
  async machineData(auth: AuthContext, id: string) {
    const order = await this.orders.get(auth.tenantId, id);
    if (!order) throw new NotFoundError(`work order ${id}`);
    const now = this.clock.now().getTime();
    const from = order.startedAt ? Date.parse(order.startedAt) : now;
    const to = Math.max(order.completedAt ? Date.parse(order.completedAt) : now, from + 1);
    const operations = [];
    for (const op of order.operations) {
      const center = await this.masterData.get(auth.tenantId, 'equipment', op.workCenterId);
      const running =
        center && op.startedAt
          ? (await this.contexts.intervals(auth.tenantId, op.workCenterId, from, to)).filter((c) => c.workOrderId === id && c.seq === op.seq)
          : [];
      let good = 0;
      let reject = 0;
      const process = new Map<string, (ProcessAggregate | undefined)[]>();
      for (const unit of running.length && center ? await this.unitsUnder(auth, center) : []) {
        const facts = await this.unitFacts(auth, unit, from, to);
        const counts = countIndex(facts.segments, unit.counterMax ? { counterMax: unit.counterMax } : {});
        for (const r of unionIntervals(running)) {
          const c = counts.between(r.start, r.end);
          good += c.good;
          reject += c.reject;
        }
        for (const m of facts.minutes) {
          if (!running.some((r) => m.minute + 60_000 > r.start && m.minute < r.end)) continue;
          for (const [name, agg] of Object.entries(m.process)) process.set(name, [...(process.get(name) ?? []), agg]);
        }
      }
      operations.push({
        seq: op.seq,
        workCenterId: op.workCenterId,
        machineGoodQty: good,
        machineRejectQty: reject,
        reportedGoodQty: op.goodQty,
        reportedScrapQty: op.scrapQty,
        process: Object.fromEntries(
          [...process].map(([name, aggs]) => {
            const s = summarize(aggs);
            return [name, { count: s.count, min: s.min, max: s.max, mean: s.mean, last: s.last, outOfLimits: s.outOfLimits }];
          }),
        ),
      });
    }
    return { workOrderId: id, operations };
  }

  async status(auth: AuthContext, id: string) {
    const [unit, calendar] = await Promise.all([this.equipment(auth, id), this.calendar(auth)]);
    const now = this.clock.now().getTime();
    const [latest, recent, current] = await Promise.all([
      this.telemetry.latestState(auth.tenantId, id),
      this.telemetry.buckets(auth.tenantId, groupOf(id), now - Math.max(silenceLimitMs(unit) ?? 0, RECENT_MS), now + 60_000),
      this.contexts.currentAt(auth.tenantId, unit, now),
    ]);
    const from = startOfLocalDay(now, calendar?.timeZone ?? 'UTC');
    const today = await this.unitFigures(auth, unit, from, Math.max(now, from + 1), calendar);
    const oeeToday = await this.view(auth, from, now, [today]);
    // A repeated state (a heartbeat, a gateway resending) does not start it again: the timeline knows when it began.
    const segment = today.segments.at(-1);
    const stateSince = segment && latest && segment.state === latest.state ? segment.since : latest?.ts;
    const lastSeen = lastSeenOf(id, latest, recent);
    // Online now as presence says (the day's timeline agrees: offline since its last segment began).
    const online = onlineAt({
      presence: today.presence,
      at: now,
      stateTimes: today.transitions.map((t) => t.ts),
      lastSeen,
      silenceLimitMs: today.silenceLimitMs,
    });
    // Offline since presence went down (a disconnect, a declared loss), else since it was last heard of (a heartbeat's silence).
    const down = presenceDown(
      today.presence,
      today.transitions.map((t) => t.ts),
    ).find((i) => i.start <= now && now < i.end);
    const offlineSince = online ? undefined : (down?.start ?? (lastSeen || undefined));
    const live = unitLive(id, { latest, lastSeen, online, offlineSince, now, stateSince, current });
    // The stop going on now, by its identity: the timeline's open downtime event.
    const open = today.events.at(-1);
    const [stopReason] = await this.stopReasons(auth, [
      { id, state: live.state, stopStart: open && open.end === undefined ? open.stopStart : undefined },
    ]);
    return { ...live, ...(stopReason ? { stopReason } : {}), oeeToday };
  }

  /**
   * Every work unit's live state in one request, for the plant overview: the equipment in one
   * Query and the plant's live view (one entry per unit, kept by its writers: live-view.ts) in
   * another, whatever the number of units. A unit without an entry yet shows as one without data.
   */
  async plantStatus(auth: AuthContext, query: { workCenterId?: string | undefined }) {
    if (!this.live) throw new Error('the plant status reads the live view: wire one');
    const now = this.clock.now().getTime();
    const [all, entries] = await Promise.all([this.allEquipment(auth), this.live.repository.entries(auth.tenantId)]);
    const byId = new Map(all.map((e) => [e.id, e]));
    if (query.workCenterId && !byId.has(query.workCenterId)) throw new NotFoundError(`equipment ${query.workCenterId}`);
    const byName = (a: { id: string; name: string }, b: { id: string; name: string }) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
    const units = all.filter((e) => e.level === 'workUnit').sort(byName);
    const shown = query.workCenterId ? units.filter((u) => u.parentId === query.workCenterId) : units;
    const live = new Map(entries.map((e) => [e.equipmentId, e]));
    // A tenant with data from before the live view: the refresh job fills it in once it knows the tenant.
    if (shown.some((u) => !live.has(u.id))) await this.live.register(auth.tenantId);
    const workCenters = [...new Set(units.flatMap((u) => (u.parentId ? [u.parentId] : [])))]
      .flatMap((id) => (byId.has(id) ? [{ id, name: (byId.get(id) as Equipment).name }] : []))
      .sort(byName);
    return {
      asOf: new Date(now).toISOString(),
      workCenters,
      items: shown.map((unit) => ({
        ...(live.get(unit.id) ?? emptyEntry(unit.id)).unit,
        equipmentId: unit.id,
        name: unit.name,
        ...(unit.parentId ? { parentId: unit.parentId } : {}),
      })),
    };
  }

  /** The reason a person gave each unit's current stop (down, setup, offline; by its identity), with its name and comment. */
  private async stopReasons(auth: AuthContext, units: { id: string; state: string; stopStart: number | undefined }[]) {
    const records = await Promise.all(
      units.map(async (u) => {
        if (u.stopStart === undefined || !['down', 'setup', 'offline'].includes(u.state)) return undefined;
        const at = u.stopStart;
        return (await this.telemetry.downtimeReasons(auth.tenantId, u.id, at, at)).find((r) => r.start === at);
      }),
    );
    const names = records.some(Boolean) ? (await this.reasonTree(auth)).names : new Map<string, string>();
    return records.map((r) =>
      r
        ? {
            stopStart: new Date(r.start).toISOString(),
            reasonCode: r.reasonCode,
            ...(names.get(r.reasonCode) ? { reasonName: names.get(r.reasonCode) } : {}),
            ...(r.comment ? { comment: r.comment } : {}),
          }
        : undefined,
    );
  }

  async downtime(auth: AuthContext, id: string, query: RangeQuery): Promise<DowntimeEventView[]> {
    const [unit, calendar] = await Promise.all([this.equipment(auth, id), this.calendar(auth)]);
    const { from, to } = await this.range(auth, query, calendar);
    return this.downtimeEvents(auth, unit, calendar, from, to);
  }

  /**
   * Downtime on the work units of some work centers between two instants (the batch record's
   * "downtime during the order"), each unit's events as GET /v1/equipment/{id}/downtime gives them.
   */
  async downtimeOfCenters(auth: AuthContext, workCenterIds: readonly string[], from: number, to: number): Promise<DowntimeEventView[]> {
    const calendar = await this.calendar(auth);
    const events: DowntimeEventView[] = [];
    for (const id of new Set(workCenterIds)) {
      const center = await this.masterData.get(auth.tenantId, 'equipment', id);
      if (!center) continue;
      for (const unit of await this.unitsUnder(auth, center)) events.push(...(await this.downtimeEvents(auth, unit, calendar, from, to)));
    }
    return events;
  }

  private async downtimeEvents(
    auth: AuthContext,
    unit: Equipment,
    calendar: Awaited<ReturnType<TelemetryService['calendar']>>,
    from: number,
    to: number,
  ): Promise<DowntimeEventView[]> {
    const id = unit.id;
    const [facts, { tree, names }, links] = await Promise.all([
      this.unitFacts(auth, unit, from, to),
      this.reasonTree(auth),
      // Requests raised from stops that may show in the range (a stop's identity may precede it by days).
      this.maintenance ? this.maintenance.downtimeLinks(auth.tenantId, id, from - 7 * DAY_MS, to) : [],
    ]);
    const timeline = buildTimeline(
      { transitions: facts.transitions, seen: facts.seen, from, to, commissionedAt: facts.commissionedAt, presence: facts.presence },
      { offlineAfterMs: facts.silenceLimitMs, setupIsPlanned: calendar?.setupIsPlanned ?? false },
    );
    const assigned = reasonsForEvents(timeline.downtime, await this.reasonsFor(auth, unit, timeline.downtime, from, to), {
      from,
      lastTransitionBefore: lastBefore(facts.transitions, from),
    });
    return timeline.downtime.map((e, i) => {
      const a = assigned[i];
      const reasonCode = a?.reasonCode;
      const loss = reasonCode ? lossOf(tree, reasonCode) : undefined;
      const name = reasonCode ? names.get(reasonCode) : undefined;
      return {
        equipmentId: id,
        stopStart: new Date(e.stopStart).toISOString(),
        start: new Date(e.start).toISOString(),
        end: e.end === undefined ? null : new Date(e.end).toISOString(),
        state: e.state,
        seconds: e.durationMs / 1000,
        ...(e.reasonCode ? { machineReasonCode: e.reasonCode } : {}),
        ...(reasonCode ? { reasonCode } : {}),
        ...(name ? { reasonName: name } : {}),
        ...(loss ? { loss } : {}),
        ...(a?.comment ? { comment: a.comment } : {}),
        ...(a ? { assignedBy: a.assignedBy, assignedAt: a.assignedAt } : {}),
        ...maintenanceOf(links, e.stopStart),
      };
    });
  }

  /** The identity (`stopStart`, ISO) of a unit's stop that starts at `startIso`, or one of whose stretches does; undefined when none does. */
  async downtimeStopAt(auth: AuthContext, id: string, startIso: string): Promise<string | undefined> {
    const start = Date.parse(startIso);
    const [unit, calendar] = await Promise.all([this.equipment(auth, id), this.calendar(auth)]);
    const now = this.clock.now().getTime();
    if (!(start < now)) return undefined;
    const events = await this.downtimeEvents(auth, unit, calendar, start, Math.max(Math.min(now, start + 7 * DAY_MS), start + 1));
    return (events.find((e) => Date.parse(e.stopStart) === start) ?? events.find((e) => Date.parse(e.start) === start))?.stopStart;
  }

  /** Cycles (good + reject) a unit's counters counted over [from, to): what a counter-triggered maintenance plan reads. */
  async cycles(auth: AuthContext, id: string, from: number, to: number): Promise<number> {
    if (!(to > from)) return 0;
    const unit = await this.equipment(auth, id);
    const facts = await this.unitFacts(auth, unit, from, to, { days: true });
    const c = countIndex(facts.segments, unit.counterMax ? { counterMax: unit.counterMax } : {}).between(from, to);
    return c.good + c.reject;
  }

  assignDowntimeReason(auth: AuthContext, id: string, startIso: string, body: { reasonCode: string; comment?: string | undefined }) {
    return runCommand(auth.tenantId, `downtime/${id}/${startIso}`, undefined, async () => {
      const start = Date.parse(startIso);
      const [unit, calendar] = await Promise.all([this.equipment(auth, id), this.calendar(auth)]);
      const { names } = await this.reasonTree(auth);
      if (!names.has(body.reasonCode)) {
        throw new UnknownReferenceError([{ pointer: '/body/reasonCode', detail: `${body.reasonCode} is not in the downtime reason tree` }]);
      }
      const now = this.clock.now().getTime();
      // The event as the timeline sees it from its start: at most a week on, however old it is.
      const events = await this.downtimeEvents(auth, unit, calendar, start, Math.max(Math.min(now, start + 7 * DAY_MS), start + 1));
      // By the stop's identity, or (older links) by the start of one of its stretches.
      const event = events.find((e) => Date.parse(e.stopStart) === start) ?? events.find((e) => Date.parse(e.start) === start);
      if (!event) throw new NotFoundError(`downtime event of ${id} starting at ${startIso}`);
      const stopStart = Date.parse(event.stopStart);
      // The record under the same key, an older one (without state) included: the next version replaces it.
      const [before] = (await this.telemetry.downtimeReasons(auth.tenantId, id, stopStart, stopStart, true)).filter((r) => r.start === stopStart);
      const next = {
        equipmentId: id,
        start: stopStart,
        state: event.state as DowntimeEvent['state'],
        reasonCode: body.reasonCode,
        ...(body.comment ? { comment: body.comment } : {}),
        assignedBy: auth.userId,
        assignedAt: new Date(now).toISOString(),
        version: (before?.version ?? 0) + 1,
      };
      await this.telemetry.putDowntimeReason(auth.tenantId, id, next, before);
      // The unit's entry in the live view shows it when this is the stop it is in now.
      await this.live?.applyStopReason(auth.tenantId, id, {
        stopStart: event.stopStart,
        reasonCode: body.reasonCode,
        ...(names.get(body.reasonCode) ? { reasonName: names.get(body.reasonCode) } : {}),
        ...(body.comment ? { comment: body.comment } : {}),
      });
      const { comment: _, ...shown } = event;
      return {
        ...shown,
        ...(body.comment ? { comment: body.comment } : {}),
        reasonCode: body.reasonCode,
        reasonName: names.get(body.reasonCode),
        assignedBy: next.assignedBy,
        assignedAt: next.assignedAt,
      };
    });
  }

  async stateChanges(auth: AuthContext, since: string, limit: number) {
    // A time is compared as text with the feed's sort keys, so spell it as they do (a cursor already is).
    const items = await this.telemetry.stateChangesSince(
      auth.tenantId,
      since.includes('#') || Number.isNaN(Date.parse(since)) ? since : new Date(since).toISOString(),
      limit,
    );
    return {
      items: items.map((i) => ({
        equipmentId: i.equipmentId,
        ts: new Date(i.ts).toISOString(),
        state: i.state as 'running',
        ...(i.reasonCode ? { reasonCode: i.reasonCode } : {}),
      })),
      next: items.at(-1)?.cursor ?? since,
    };
  }

  /** Every equipment record in one Query (pages only past 1 MB). */
  private allEquipment(auth: AuthContext): Promise<Equipment[]> {
    return this.masterData.listAll(auth.tenantId, 'equipment');
  }

  private async unitsUnder(auth: AuthContext, center: Equipment): Promise<Equipment[]> {
    const units = (await this.allEquipment(auth)).filter((e) => e.parentId === center.id);
    return units.length ? units : [center];
  }
}

/** How reads of a unit's data use day items (unitRange). */
interface RangeRead {
  days: boolean;
  /** Days read from minute items even where a day item exists (it does not answer them exactly). */
  minutesFor?: ReadonlySet<number>;
}

/** The longest OEE range: the longest daily retention a plant can set (shared/domain/telemetry/retention.ts). */
const OEE_MAX_DAYS = MAX_DAILY_RETENTION_DAYS;

/** How far back the minute items are read for when a unit was last heard of, at least. */
const RECENT_MS = 10 * 60_000;

/** How far around a range minute items are read for a unit without a heartbeat. */
const BUCKET_MARGIN_MS = 120_000;

/** The latest maintenance request raised from a stop (issue 18), as its downtime event shows it. */
function maintenanceOf(links: readonly { stopStart: string; requestId: string; status: string }[], stopStart: number) {
  const own = links.filter((l) => Date.parse(l.stopStart) === stopStart).sort((a, b) => a.requestId.localeCompare(b.requestId));
  const last = own.at(-1);
  return last ? { maintenanceRequest: { id: last.requestId, status: last.status } } : {};
}

/** The client id whose connection a unit's presence follows: its gateway's when it reports through one, else its own. */
export const connectionClientId = (tenantId: string, unit: Pick<Equipment, 'id' | 'gatewayId'>): string =>
  thingName({ tenantId, equipmentId: unit.gatewayId ?? unit.id });

/** When the unit was last heard of: its latest state message or any minute item's last reading. */
const lastSeenOf = (id: string, latest: StoredStateTransition | undefined, recent: MinuteBucket[]) =>
  Math.max(latest?.ts ?? 0, ...recent.map((b) => b.units[id]?.lastSeen ?? 0));

/** What a unit is doing now, as the unit status says it. */
function unitLive(
  id: string,
  facts: {
    latest: StoredStateTransition | undefined;
    lastSeen: number;
    /** Presence says so (onlineAt). */
    online: boolean;
    /** When it went offline, when known (the timeline's offline segment); else when it was last seen. */
    offlineSince: number | undefined;
    now: number;
    stateSince: number | undefined;
    current: ContextInterval | undefined;
  },
) {
  const { latest, lastSeen, stateSince, current } = facts;
  // Never heard of: nothing to hold.
  const offline = !facts.online || lastSeen === 0;
  const offlineSince = facts.offlineSince ?? (lastSeen || undefined);
  return {
    equipmentId: id,
    state: offline ? ('offline' as const) : ((latest?.state ?? 'idle') as 'running'),
    since: offline
      ? offlineSince !== undefined
        ? new Date(offlineSince).toISOString()
        : null
      : stateSince !== undefined
        ? new Date(stateSince).toISOString()
        : null,
    ...(!offline && latest?.reasonCode ? { reasonCode: latest.reasonCode } : {}),
    lastSeen: lastSeen ? new Date(lastSeen).toISOString() : null,
    current: current
      ? {
          workOrderId: current.workOrderId,
          seq: current.seq,
          status: current.status,
          materialId: current.materialId,
          ...(current.operator ? { operator: current.operator } : {}),
          since: new Date(current.start).toISOString(),
        }
      : null,
  };
}

/** The time of the last state message before `from`: the latest the unit was surely heard of before a range. */
const lastBefore = (transitions: readonly StateTransition[], from: number) =>
  transitions.reduce<number | undefined>((latest, t) => (t.ts < from && (latest === undefined || t.ts > latest) ? t.ts : latest), undefined);

function toTransition(t: StoredStateTransition): StateTransition {
  return { ts: t.ts, state: t.state, reasonCode: t.reasonCode, msgId: t.msgId };
}

/** Pieces of a planned interval by which material ran (from the operation contexts). */
function splitByContext(interval: Interval, contexts: ContextInterval[]): (Interval & { materialId?: string })[] {
  const pieces: (Interval & { materialId?: string })[] = [];
  let cursor = interval.start;
  for (const c of contexts.filter((c) => c.end > interval.start && c.start < interval.end).sort((a, b) => a.start - b.start)) {
    const start = Math.max(c.start, interval.start);
    const end = Math.min(c.end, interval.end);
    if (start > cursor) pieces.push({ start: cursor, end: start });
    if (end > Math.max(start, cursor)) pieces.push({ start: Math.max(start, cursor), end, materialId: c.materialId });
    cursor = Math.max(cursor, end);
  }
  if (cursor < interval.end) pieces.push({ start: cursor, end: interval.end });
  return pieces;
}

export function startOfLocalDay(ts: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ts));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const secondsIntoDay = get('hour') * 3600 + get('minute') * 60 + get('second');
  return Math.floor(ts / 1000) * 1000 - secondsIntoDay * 1000;
}
