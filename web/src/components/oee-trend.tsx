/**
 * The OEE trend: OEE and its three factors per day over the last 7 days, or per hour today,
 * one OEE request per bucket (a few at a time, in parallel), drawn with uPlot.
 */
import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { Oee } from '../../../shared/api/schemas.ts';
import { api } from '../api.ts';
import { useLive } from '../live.ts';
import { ErrorNote, fmtPct } from '../ui.tsx';
import { CHART_COLORS, CHART_FONT, ChartLegend, LazyChart } from './chart-uplot.tsx';
import { mapBounded } from './downtime-data.tsx';
import { type Bucket, dayBuckets, hourBuckets } from './oee-time.tsx';

export type TrendMode = 'week' | 'today';
export const TREND_MODES: Record<TrendMode, string> = { week: 'Last 7 days, by day', today: 'Today, by hour' };

const RATIOS = [
  { key: 'oee', label: 'OEE', color: CHART_COLORS.brand, width: 3 },
  { key: 'availability', label: 'Availability', color: CHART_COLORS.green, width: 2, dash: [8, 4] },
  { key: 'performance', label: 'Performance', color: CHART_COLORS.amber, width: 2, dash: [2, 3] },
  { key: 'quality', label: 'Quality', color: CHART_COLORS.red, width: 2, dash: [10, 3, 2, 3] },
] as const;

interface TrendPoint {
  bucket: Bucket;
  oee: Oee;
}

export function bucketsFor(mode: TrendMode, timeZone: string, now: number): Bucket[] {
  return mode === 'week' ? dayBuckets(timeZone, now) : hourBuckets(timeZone, now);
}

/** Whose OEE: a unit (equipment) or a line (work center), by the route that answers for it. */
export interface OeeOf {
  route: 'getEquipmentOee' | 'getWorkCenterOee';
  id: string;
}

export const oeeKey = (of: OeeOf) => `${of.route} ${of.id}`;

export function OeeTrend({ of, subject, timeZone, mode }: { of: OeeOf; subject: string; timeZone: string; mode: TrendMode }) {
  const trend = useLive(
    async (signal): Promise<TrendPoint[]> => {
      const buckets = bucketsFor(mode, timeZone, Date.now());
      return mapBounded(buckets, 4, async (bucket) => ({
        bucket,
        oee: await api.call(of.route, {
          params: { id: of.id },
          query: { from: new Date(bucket.from).toISOString(), to: new Date(bucket.to).toISOString() },
          signal,
        }),
      }));
    },
    [oeeKey(of), timeZone, mode],
    { intervalMs: 60_000 },
  );
  const points = trend.data;
  const data = useMemo<uPlot.AlignedData | undefined>(
    () => (points ? [points.map((_, i) => i), ...RATIOS.map((r) => points.map((p) => pct(p.oee[r.key])))] : undefined),
    [points],
  );

  if (!points || !data) return trend.error ? <ErrorNote error={trend.error} /> : <p class="muted">Loading the trend…</p>;
  const unit = mode === 'week' ? 'Day' : 'Hour';
  return (
    <>
      <ErrorNote error={trend.error} />
      <LazyChart
        label="OEE trend"
        caption={`OEE trend: ${TREND_MODES[mode].toLowerCase()}`}
        summary={summarize(points, subject, mode)}
        data={data}
        options={(_U, size) => trendOptions(size, points)}
        legend={<ChartLegend items={RATIOS.map((r) => ({ label: r.label, color: r.color, ...('dash' in r ? { dash: [...r.dash] } : {}) }))} />}
        table={
          <table>
            <caption>
              OEE trend of {subject}, {TREND_MODES[mode].toLowerCase()}
            </caption>
            <thead>
              <tr>
                <th scope="col">{unit}</th>
                {RATIOS.map((r) => (
                  <th scope="col" class="oee-num" key={r.key}>
                    {r.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.bucket.from}>
                  <th scope="row">{p.bucket.title}</th>
                  {RATIOS.map((r) => (
                    <td class="oee-num" key={r.key}>
                      {fmtPct(p.oee[r.key])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
    </>
  );
}

const pct = (ratio: number | null) => (ratio === null || !Number.isFinite(ratio) ? null : Math.round(ratio * 1000) / 10);

function summarize(points: TrendPoint[], subject: string, mode: TrendMode): string {
  const last = points.at(-1);
  const known = points.filter((p) => p.oee.oee !== null);
  if (!last || known.length === 0) return `No OEE for ${subject} in this time yet.`;
  const low = known.reduce((a, b) => ((b.oee.oee ?? 0) < (a.oee.oee ?? 0) ? b : a));
  const high = known.reduce((a, b) => ((b.oee.oee ?? 0) > (a.oee.oee ?? 0) ? b : a));
  return (
    `OEE of ${subject}, ${TREND_MODES[mode].toLowerCase()}. ${last.bucket.title}: OEE ${fmtPct(last.oee.oee)}, availability ${fmtPct(last.oee.availability)}, ` +
    `performance ${fmtPct(last.oee.performance)}, quality ${fmtPct(last.oee.quality)}. Lowest OEE ${fmtPct(low.oee.oee)} (${low.bucket.title}), highest ${fmtPct(high.oee.oee)} (${high.bucket.title}).`
  );
}

function trendOptions(size: { width: number; height: number }, points: TrendPoint[]): uPlot.Options {
  const n = points.length;
  // Room for about one label per 56 px; an hourly trend on a phone labels every third or fourth hour.
  const step = Math.max(1, Math.ceil(n / Math.max(1, Math.floor((size.width - 60) / 56))));
  const max = Math.max(100, ...points.flatMap((p) => RATIOS.map((r) => pct(p.oee[r.key]) ?? 0)));
  return {
    ...size,
    legend: { show: false },
    cursor: { show: false, drag: { x: false, y: false } },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    padding: [12, 12, 0, 0],
    scales: { x: { time: false, range: [-0.5, n - 0.5] }, pct: { range: [0, Math.ceil(max / 10) * 10] } },
    axes: [
      {
        stroke: CHART_COLORS.text,
        font: CHART_FONT,
        grid: { show: false },
        splits: () => points.map((_, i) => i).filter((i) => (n - 1 - i) % step === 0),
        values: (_u, splits) => splits.map((i) => points[i]?.bucket.label ?? ''),
      },
      {
        scale: 'pct',
        stroke: CHART_COLORS.text,
        font: CHART_FONT,
        size: 62,
        grid: { stroke: CHART_COLORS.grid, width: 1 },
        splits: (_u, _i, min, maxV) => Array.from({ length: Math.floor((maxV - min) / 25) + 1 }, (_, k) => min + k * 25),
        values: (_u, splits) => splits.map((v) => `${v} %`),
      },
    ],
    series: [
      {},
      ...RATIOS.map((r) => ({
        label: r.label,
        scale: 'pct',
        stroke: r.color,
        width: r.width,
        ...('dash' in r ? { dash: [...r.dash] } : {}),
        points: { show: true, size: r.key === 'oee' ? 7 : 5, fill: r.color },
      })),
    ],
  };
}
