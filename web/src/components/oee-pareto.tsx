/**
 * The downtime Pareto: minutes of downtime per reason over the trend's range, from the units'
 * downtime events (the reason a person gave, else the machine's, else "No reason yet" by state),
 * largest first, with the cumulative share as a line on its own 0-100 % axis.
 */
import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { DowntimeEvent, Equipment } from '../../../shared/api/schemas.ts';
import { useLive } from '../live.ts';
import { ErrorNote } from '../ui.tsx';
import { CHART_COLORS, CHART_FONT, ChartLegend, LazyChart } from './chart-uplot.tsx';
import { type ReasonIndex, eventReason, loadDowntime } from './downtime-data.tsx';

export interface ParetoBar {
  key: string;
  label: string;
  minutes: number;
  events: number;
  /** Of all downtime, 0..1. */
  share: number;
  /** This and every larger bar, 0..1. */
  cumulative: number;
  /** What people wrote with the reason, each once. */
  comments: string[];
}

/**
 * Groups events by reason; `seconds` is the part of each event inside the range asked for. A
 * stop that a data gap interrupted comes as two stretches with one `stopStart`: one stop.
 */
export function paretoOf(events: readonly DowntimeEvent[], reasons: ReasonIndex): ParetoBar[] {
  const groups = new Map<string, { label: string; seconds: number; stops: Set<string>; comments: Set<string> }>();
  for (const e of events) {
    if (!(e.seconds > 0)) continue;
    const reason = eventReason(e);
    const key = reason ? `reason:${reason.code}` : `state:${e.state}`;
    const label = reason ? reasons.path(reason.code) : `No reason yet (${e.state})`;
    const g = groups.get(key) ?? { label, seconds: 0, stops: new Set<string>(), comments: new Set<string>() };
    g.seconds += e.seconds;
    g.stops.add(`${e.equipmentId} ${e.state} ${e.stopStart}`);
    if (e.comment) g.comments.add(e.comment);
    groups.set(key, g);
  }
  const total = [...groups.values()].reduce((sum, g) => sum + g.seconds, 0);
  let running = 0;
  return [...groups]
    .sort(([, a], [, b]) => b.seconds - a.seconds || b.stops.size - a.stops.size || a.label.localeCompare(b.label))
    .map(([key, g]) => {
      running += g.seconds;
      const bar = { key, label: g.label, minutes: g.seconds / 60, events: g.stops.size, share: g.seconds / total, cumulative: running / total };
      return { ...bar, comments: [...g.comments] };
    });
}

const fmtMin = (minutes: number) => (minutes < 10 ? minutes.toFixed(1) : Math.round(minutes).toLocaleString());
const fmtShare = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

export function OeePareto(props: { units: Equipment[]; subject: string; reasons: ReasonIndex; from: number; rangeLabel: string }) {
  const { units, reasons, from } = props;
  const downtime = useLive((signal) => loadDowntime(units, new Date(from), undefined, signal), [units.map((u) => u.id).join(' '), from], {
    intervalMs: 30_000,
  });
  const events = downtime.data?.events;
  const bars = useMemo(() => (events ? paretoOf(events, reasons) : undefined), [events, reasons.options.length]);
  const data = useMemo<uPlot.AlignedData | undefined>(
    () =>
      bars
        ? [bars.map((_, i) => i), bars.map((b) => Math.round(b.minutes * 10) / 10), bars.map((b) => Math.round(b.cumulative * 1000) / 10)]
        : undefined,
    [bars],
  );

  if (!bars || !data) return downtime.error ? <ErrorNote error={downtime.error} /> : <p class="muted">Loading the downtime Pareto…</p>;
  const caption = `Downtime Pareto: ${props.rangeLabel.toLowerCase()}`;
  if (bars.length === 0) {
    // Still the named chart (an empty one), so it is found where it always is.
    return (
      <figure class="chart-figure" aria-labelledby="pareto-empty-caption">
        <figcaption id="pareto-empty-caption">{caption}</figcaption>
        <div class="chart-empty" role="img" aria-label="Downtime Pareto" aria-describedby="pareto-empty-text">
          <p id="pareto-empty-text">No downtime for {props.subject} in this time.</p>
        </div>
      </figure>
    );
  }
  const total = bars.reduce((sum, b) => sum + b.minutes, 0);
  const top = bars[0]!;
  return (
    <>
      <ErrorNote error={downtime.error} />
      <LazyChart
        label="Downtime Pareto"
        caption={caption}
        summary={`${fmtMin(total)} minutes of downtime on ${props.subject}, ${props.rangeLabel.toLowerCase()}, for ${bars.length} reason${bars.length === 1 ? '' : 's'}. The largest: ${top.label}, ${fmtMin(top.minutes)} minutes (${fmtShare(top.share)}).`}
        data={data}
        options={(U, size) => paretoOptions(U, size, bars)}
        legend={
          <ChartLegend
            items={[
              { label: 'Minutes of downtime', color: CHART_COLORS.brand, bar: true },
              { label: 'Cumulative %', color: CHART_COLORS.red, dash: [6, 3] },
            ]}
          />
        }
        table={
          <table>
            <caption>
              Downtime of {props.subject} by reason, {props.rangeLabel.toLowerCase()}, largest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Reason</th>
                <th scope="col" class="oee-num">
                  Minutes
                </th>
                <th scope="col" class="oee-num">
                  Stops
                </th>
                <th scope="col" class="oee-num">
                  Share
                </th>
                <th scope="col" class="oee-num">
                  Cumulative
                </th>
              </tr>
            </thead>
            <tbody>
              {bars.map((b) => (
                <tr key={b.key}>
                  <th scope="row">
                    {b.label}
                    {b.comments.length ? <span class="pareto-comments muted"> ({b.comments.map((c) => `“${c}”`).join(', ')})</span> : null}
                  </th>
                  <td class="oee-num">{fmtMin(b.minutes)}</td>
                  <td class="oee-num">{b.events}</td>
                  <td class="oee-num">{fmtShare(b.share)}</td>
                  <td class="oee-num">{fmtShare(b.cumulative)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
    </>
  );
}

/** The last part of a reason path, cut to fit under a bar. */
function shortLabel(label: string, chars: number): string {
  const leaf = label.split(' › ').at(-1) ?? label;
  return leaf.length <= chars ? leaf : `${leaf.slice(0, Math.max(1, chars - 1))}…`;
}

function paretoOptions(U: typeof uPlot, size: { width: number; height: number }, bars: ParetoBar[]): uPlot.Options {
  const n = bars.length;
  const slot = (size.width - 120) / Math.max(1, n);
  const rotate = slot < 70;
  const chars = rotate ? 14 : Math.max(4, Math.floor(slot / 8));
  return {
    ...size,
    legend: { show: false },
    cursor: { show: false, drag: { x: false, y: false } },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    padding: [12, 8, 0, 0],
    scales: { x: { time: false, range: [-0.5, n - 0.5] }, min: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] }, pct: { range: [0, 100] } },
    axes: [
      {
        stroke: CHART_COLORS.text,
        font: CHART_FONT,
        grid: { show: false },
        splits: () => bars.map((_, i) => i),
        values: (_u, splits) => splits.map((i) => shortLabel(bars[i]?.label ?? '', chars)),
        ...(rotate ? { rotate: -40, size: 90 } : {}),
      },
      {
        scale: 'min',
        stroke: CHART_COLORS.text,
        font: CHART_FONT,
        size: 62,
        values: (_u, splits) => splits.map((v) => v.toLocaleString()),
        grid: { stroke: CHART_COLORS.grid, width: 1 },
      },
      {
        scale: 'pct',
        side: 1,
        stroke: CHART_COLORS.text,
        font: CHART_FONT,
        size: 58,
        grid: { show: false },
        splits: () => [0, 25, 50, 75, 100],
        values: (_u, splits) => splits.map((v) => `${v} %`),
      },
    ],
    series: [
      {},
      {
        label: 'Minutes of downtime',
        scale: 'min',
        stroke: CHART_COLORS.brand,
        fill: CHART_COLORS.brand,
        width: 1,
        paths: U.paths.bars?.({ size: [0.7, 64], align: 0 }),
        points: { show: false },
      },
      {
        label: 'Cumulative %',
        scale: 'pct',
        stroke: CHART_COLORS.red,
        width: 2,
        dash: [6, 3],
        points: { show: true, size: 6, fill: CHART_COLORS.red },
      },
    ],
  };
}
