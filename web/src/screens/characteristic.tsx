/**
 * `#/characteristics/:id` (the id percent-encoded): a characteristic's control chart (issue 15,
 * docs/spc.md). uPlot draws the points with the centre line, the control limits and the spec
 * limits; a point that breaks a Nelson rule is a red diamond, not a blue dot. Beside it, the
 * same points as a table: time in the plant's zone, the value, the rules broken in words. Cp,
 * Cpk, Pp and Ppk with how many values they come from; too little data is said in words.
 * Quality may freeze the limits shown (with a reason): later values are judged against them.
 */
import { useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import type { SpcChartView } from '../../../shared/domain/quality/spc-model.ts';
import { PERMISSIONS } from '../../../shared/domain/roles.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { currentSession } from '../auth.ts';
import { CHART_COLORS, CHART_FONT, ChartLegend, LazyChart } from '../components/chart-uplot.tsx';
import { useLive } from '../live.ts';
import { fmtTime, materialName, usePlantContext } from '../plant.ts';
import { lowerFirst, specWords, unitWords } from '../quality/words.ts';
import { ConfirmAction, ErrorNote, fmtDateTime, Loading, Page } from '../ui.tsx';

type Chart = SpcChartView['chart'];
const CHART_WORDS: Record<Chart, string> = {
  'xbar-r': 'X-bar and R (subgroup means and ranges)',
  'xbar-s': 'X-bar and S (subgroup means and standard deviations)',
  'i-mr': 'I-MR (single values and moving ranges)',
  p: 'p (share of defective units)',
  np: 'np (number of defective units)',
};
const STATISTIC: Record<Chart, string> = { 'xbar-r': 'Mean', 'xbar-s': 'Mean', 'i-mr': 'Value', p: 'Share defective', np: 'Defective' };
const SPREAD: Record<Chart, string | undefined> = { 'xbar-r': 'Range', 'xbar-s': 'Std dev', 'i-mr': 'Moving range', p: undefined, np: undefined };
const WINDOWS = [7, 30, 90] as const;
const SUBGROUP_OF_SINGLES = 5;

const fmt = (n: number | null | undefined, digits = 4) =>
  n === null || n === undefined || !Number.isFinite(n) ? '–' : n.toLocaleString(undefined, { maximumFractionDigits: digits });

/** The characteristic in words: its name from the inspection plan, or what its id says. */
function useCharacteristicName(id: string) {
  const [source, a = '', b = '', ...rest] = id.split(':');
  const plan = useLive(
    (signal) => (source === 'insp' ? api.call('getInspectionPlan', { params: { id: a }, signal }) : Promise.resolve(undefined)),
    [id],
    {
      intervalMs: 0,
    },
  );
  if (source === 'insp') {
    const c = plan.data?.characteristics.find((x) => x.id === b);
    return {
      title: c ? c.name : b,
      subtitle: plan.data ? `${plan.data.name} · ${materialName(plan.data.materialId)}, operation ${plan.data.operationSeq}` : `Inspection plan ${a}`,
    };
  }
  if (source === 'data') return { title: rest.join(':') || id, subtitle: `Recorded at operation ${b} of routing ${a}` };
  return { title: rest.length ? `${b}:${rest.join(':')}` : b || id, subtitle: `Process value of ${a}` };
}

type Point = SpcChartView['points'][number];

function chartOptions(size: { width: number; height: number }, view: SpcChartView): uPlot.Options {
  const pts = view.points;
  const n = pts.length;
  const step = Math.max(1, Math.ceil(n / Math.max(1, Math.floor((size.width - 60) / 64))));
  const bad = pts.flatMap((p, i) => (p.violations.length ? [i] : []));
  const line = (label: string, stroke: string, dash?: number[]) => ({
    label,
    stroke,
    width: 1.5,
    ...(dash ? { dash } : {}),
    points: { show: false },
  });
  return {
    ...size,
    legend: { show: false },
    cursor: { show: false, drag: { x: false, y: false } },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    // Room on the right for the last time label.
    padding: [12, 28, 0, 0],
    scales: { x: { time: false, range: [-0.5, Math.max(0.5, n - 0.5)] } },
    axes: [
      {
        stroke: CHART_COLORS.text,
        font: CHART_FONT,
        grid: { show: false },
        splits: () => pts.map((_, i) => i).filter((i) => (n - 1 - i) % step === 0),
        values: (_u, splits) => splits.map((i) => (pts[i] ? fmtTime(pts[i].at) : '')),
      },
      { stroke: CHART_COLORS.text, font: CHART_FONT, size: 60, grid: { stroke: CHART_COLORS.grid, width: 1 } },
    ],
    series: [
      {},
      { label: STATISTIC[view.chart], stroke: CHART_COLORS.brand, width: 2, points: { show: true, size: 6, fill: CHART_COLORS.brand } },
      line('Centre line', CHART_COLORS.green),
      line('Upper control limit', CHART_COLORS.red, [8, 4]),
      line('Lower control limit', CHART_COLORS.red, [8, 4]),
      line('Upper spec limit', CHART_COLORS.amber, [2, 3]),
      line('Lower spec limit', CHART_COLORS.amber, [2, 3]),
    ],
    hooks: {
      // A point breaking a rule: a red diamond over the dot (shape and colour, never colour alone).
      draw: [
        (u) => {
          const ctx = u.ctx;
          const r = 7 * devicePixelRatio;
          ctx.save();
          ctx.fillStyle = CHART_COLORS.red;
          ctx.strokeStyle = '#ffffff';
          ctx.lineWidth = devicePixelRatio;
          for (const i of bad) {
            const p = pts[i];
            if (!p) continue;
            const x = u.valToPos(i, 'x', true);
            const y = u.valToPos(p.value, 'y', true);
            ctx.beginPath();
            ctx.moveTo(x, y - r);
            ctx.lineTo(x + r, y);
            ctx.lineTo(x, y + r);
            ctx.lineTo(x - r, y);
            ctx.closePath();
            ctx.fill();
            ctx.stroke();
          }
          ctx.restore();
        },
      ],
    },
  };
}

function chartData(view: SpcChartView): uPlot.AlignedData {
  const pts = view.points;
  const each = (f: (p: Point) => number | undefined | null) => pts.map((p) => f(p) ?? null);
  return [
    pts.map((_, i) => i),
    each((p) => p.value),
    each(() => view.limits?.centre),
    each((p) => p.ucl ?? view.limits?.ucl),
    each((p) => p.lcl ?? view.limits?.lcl),
    each(() => (view.chart === 'p' || view.chart === 'np' ? undefined : view.spec.usl)),
    each(() => (view.chart === 'p' || view.chart === 'np' ? undefined : view.spec.lsl)),
  ] as uPlot.AlignedData;
}

const rulesWords = (p: Point, spreadName: string | undefined) =>
  [
    ...p.violations.map((v) => `Rule ${v.rule}: ${lowerFirst(v.words)}`),
    ...p.spreadViolations.map((v) => `${spreadName ?? 'Spread'}, rule ${v.rule}: ${lowerFirst(v.words)}`),
  ].join('; ');

function PointsTable({ view }: { view: SpcChartView }) {
  const spread = SPREAD[view.chart];
  return (
    <table class="spc-table" data-testid="spc-table">
      <caption>The points, oldest first</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">{STATISTIC[view.chart]}</th>
          {spread ? <th scope="col">{spread}</th> : null}
          <th scope="col">Rules broken</th>
        </tr>
      </thead>
      <tbody>
        {view.points.map((p, i) => (
          <tr key={`${p.at}-${i}`} class={p.violations.length || p.spreadViolations.length ? 'spc-broken' : undefined}>
            <th scope="row">
              <time dateTime={p.at}>{fmtDateTime(p.at)}</time>
            </th>
            <td class="oee-num">{fmt(p.value)}</td>
            {spread ? <td class="oee-num">{fmt(p.spread)}</td> : null}
            <td>{rulesWords(p, spread) || 'none'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Capability({ view }: { view: SpcChartView }) {
  if (view.chart === 'p' || view.chart === 'np') return null;
  const c = view.capability;
  return (
    <section aria-labelledby="cap-title" class="group" data-testid="spc-capability">
      <h2 id="cap-title" class="subhead">
        Capability
      </h2>
      {c ? (
        <>
          <dl class="kv spc-cap">
            <dt>Cp</dt>
            <dd>{fmt(c.cp, 2)}</dd>
            <dt>Cpk</dt>
            <dd>{fmt(c.cpk, 2)}</dd>
            <dt>Pp</dt>
            <dd>{fmt(c.pp, 2)}</dd>
            <dt>Ppk</dt>
            <dd>{fmt(c.ppk, 2)}</dd>
          </dl>
          <p class="muted">
            From {c.count} values: mean {fmt(c.mean)}, sigma within {fmt(c.sigmaWithin)}, overall {fmt(c.sigmaOverall)}.
            {c.cp === null ? ' Cp and Pp need both spec limits.' : ''}
          </p>
        </>
      ) : (
        <p>{view.capabilityNotEnoughData?.message ?? 'No capability: the characteristic has no spec limits.'}</p>
      )}
    </section>
  );
}

function Freeze({ view, reload }: { view: SpcChartView; reload: () => void }) {
  return (
    <ConfirmAction
      label="Freeze these limits"
      question={`From now on, new values are judged against centre ${fmt(view.limits?.centre)}, limits ${fmt(view.limits?.lcl)} to ${fmt(view.limits?.ucl)} (${view.points.length} points, ${fmtDateTime(view.from)} to ${fmtDateTime(view.to)}).`}
      fields={[{ name: 'reason', label: 'Why these limits', type: 'text', required: true }]}
      run={async (values) => {
        const reason = (values.reason ?? '').trim();
        if (!reason) throw new Error('Say why these limits: the reason.');
        await api.call('freezeBaseline', {
          params: { id: view.characteristicId },
          body: {
            from: view.from,
            to: view.to,
            chart: view.chart,
            ...(view.subgroupSize !== null && (view.chart === 'xbar-r' || view.chart === 'xbar-s') ? { subgroupSize: view.subgroupSize } : {}),
            reason,
          },
        });
      }}
      after={reload}
    />
  );
}

function ChartView({ view, title, reload }: { view: SpcChartView; title: string; reload: () => void }) {
  const data = useMemo(() => chartData(view), [view]);
  const broken = view.points.filter((p) => p.violations.length).length;
  const roles = currentSession()?.roles ?? [];
  const mayFreeze = roles.some((r) => (PERMISSIONS.freezeBaseline as readonly string[]).includes(r));
  const unit = unitWords(view.spec.unit);
  const specShown = view.chart !== 'p' && view.chart !== 'np' && (view.spec.lsl !== undefined || view.spec.usl !== undefined);
  return (
    <>
      <dl class="kv" data-testid="spc-facts">
        <dt>Limits</dt>
        <dd>
          {view.limits
            ? `centre ${fmt(view.limits.centre)}, ${fmt(view.limits.lcl)} to ${fmt(view.limits.ucl)}${unit ? ` ${unit}` : ''}, ${view.limitsFrom === 'baseline' ? `frozen (version ${view.baselineVersion})` : 'from this data'}`
            : 'none yet'}
        </dd>
        {specShown ? (
          <>
            <dt>Spec</dt>
            <dd>{specWords({ name: title, unit: view.spec.unit, lsl: view.spec.lsl, usl: view.spec.usl, nominal: view.spec.nominal })}</dd>
          </>
        ) : null}
        <dt>Rules</dt>
        <dd data-testid="spc-broken">
          {broken ? `${broken} point${broken === 1 ? '' : 's'} break a Nelson rule (red diamonds)` : 'No point breaks a rule'}
        </dd>
      </dl>
      {view.notes.length ? <p class="muted">Note: {view.notes.join('; ')}.</p> : null}
      <LazyChart
        label={`Control chart of ${title}`}
        caption={`${CHART_WORDS[view.chart]}, ${view.points.length} points`}
        summary={`${view.points.length} points from ${fmtDateTime(view.from)} to ${fmtDateTime(view.to)}; ${broken} break a rule.`}
        data={data}
        options={(_U, size) => chartOptions(size, view)}
        legend={
          <ChartLegend
            items={[
              { label: STATISTIC[view.chart], color: CHART_COLORS.brand },
              { label: 'Breaks a rule', color: CHART_COLORS.red, bar: true },
              { label: 'Centre', color: CHART_COLORS.green },
              { label: 'Control limits', color: CHART_COLORS.red, dash: [8, 4] },
              ...(specShown ? [{ label: 'Spec limits', color: CHART_COLORS.amber, dash: [2, 3] }] : []),
            ]}
          />
        }
        table={<p>The points are in the table below.</p>}
      />
      <div class="table-scroll">
        <PointsTable view={view} />
      </div>
      <Capability view={view} />
      {mayFreeze && view.limits && view.limitsFrom === 'data' && !view.notEnoughData ? <Freeze view={view} reload={reload} /> : null}
    </>
  );
}

/** Another characteristic starts afresh: its own window and chart kind. */
export default function Characteristic({ params }: ScreenProps) {
  return <CharacteristicPage key={params.id ?? ''} id={params.id ?? ''} />;
}

function CharacteristicPage({ id }: { id: string }) {
  usePlantContext();
  const name = useCharacteristicName(id);
  const [days, setDays] = useState<(typeof WINDOWS)[number]>(30);
  const [chart, setChart] = useState<Chart | undefined>();
  const [singles, setSingles] = useState<boolean | undefined>();
  const live = useLive(
    async (signal) => {
      const to = new Date();
      const from = new Date(to.getTime() - days * 86_400_000);
      const view = await api.call('getSpcChart', {
        params: { id },
        query: {
          from: from.toISOString(),
          to: to.toISOString(),
          ...(chart ? { chart } : {}),
          ...(chart && singles && (chart === 'xbar-r' || chart === 'xbar-s') ? { subgroupSize: SUBGROUP_OF_SINGLES } : {}),
        },
        signal,
      });
      if (!chart) setSingles(view.chart === 'i-mr');
      return view;
    },
    [id, days, chart],
    { intervalMs: 60_000 },
  );
  const view = live.data?.characteristicId === id ? live.data : undefined;
  const attribute = view ? view.chart === 'p' || view.chart === 'np' : false;
  const kinds: Chart[] = attribute ? ['p', 'np'] : ['xbar-r', 'xbar-s', 'i-mr'];
  return (
    <Page title={`Control chart: ${name.title}`}>
      <p class="muted">{name.subtitle}</p>
      <div class="spc-pickers">
        <fieldset class="spc-window">
          <legend>Window</legend>
          {WINDOWS.map((d) => (
            <button key={d} type="button" class="btn" aria-pressed={days === d} onClick={() => setDays(d)}>
              {d} days
            </button>
          ))}
        </fieldset>
        <div class="field">
          <label for="spc-chart-kind">Chart</label>
          <select id="spc-chart-kind" value={view?.chart ?? chart ?? ''} onChange={(e) => setChart((e.target as HTMLSelectElement).value as Chart)}>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {CHART_WORDS[k]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorNote error={live.error} />
      {!view ? (
        live.error ? null : (
          <Loading />
        )
      ) : view.notEnoughData ? (
        <p data-testid="spc-not-enough">
          Not enough data for a control chart in the last {days} days: {view.notEnoughData.message}
        </p>
      ) : (
        <ChartView view={view} title={name.title} reload={() => void live.reload()} />
      )}
    </Page>
  );
}
