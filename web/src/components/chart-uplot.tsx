/**
 * A uPlot chart that costs the first page load nothing: uPlot (~50 KB) is fetched with a
 * dynamic import() the first time a chart is shown, so esbuild puts it in its own chunk. The
 * chart is an image with an accessible name; the same numbers are in a table that only screen
 * readers see, and that everyone sees when the chart cannot load (offline on first visit).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';

let loading: Promise<typeof uPlot> | undefined;
/** uPlot, loaded once; a failed load is tried again next time. */
export function loadUplot(): Promise<typeof uPlot> {
  loading ??= import('uplot').then(
    (m) => m.default,
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** Builds the chart for a width and height, with the uPlot module (for its path builders). */
export type ChartOptions = (U: typeof uPlot, size: { width: number; height: number }) => uPlot.Options;

const heightFor = (width: number) => (width < 600 ? 220 : 280);

/** Chart colours, each at least 4.5:1 on white, told apart by dash pattern too (never colour alone). */
export const CHART_COLORS = { brand: '#0b3d91', green: '#0a7d2c', amber: '#8a5a00', red: '#b3261e', grid: '#dcdcdc', text: '#111111' } as const;
export const CHART_FONT = '13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

export function LazyChart(props: {
  /** The chart's accessible name, e.g. "OEE trend". */
  label: string;
  /** The visible title. */
  caption: ComponentChildren;
  /** One or two sentences with the gist of the numbers, for screen readers. */
  summary: string;
  options: ChartOptions;
  /** A new array (identity) redraws the chart. */
  data: uPlot.AlignedData;
  legend?: ComponentChildren;
  /** The numbers as a table: visually hidden while the chart shows. */
  table: ComponentChildren;
}) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | undefined>(undefined);
  const options = useRef(props.options);
  options.current = props.options;
  const [status, setStatus] = useState<'loading' | 'ready' | 'failed'>('loading');
  const id = `chart-${props.label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

  useEffect(() => {
    let cancelled = false;
    loadUplot().then(
      (U) => {
        const el = host.current;
        if (cancelled || !el) return;
        chart.current?.destroy();
        const width = Math.max(200, el.clientWidth);
        chart.current = new U(options.current(U, { width, height: heightFor(width) }), props.data, el);
        setStatus('ready');
      },
      () => !cancelled && setStatus('failed'),
    );
    return () => {
      cancelled = true;
    };
  }, [props.data]);

  useEffect(() => {
    const el = host.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    let lastWidth = el.clientWidth;
    const observer = new ResizeObserver(() => {
      const width = Math.max(200, el.clientWidth);
      if (!chart.current || width === lastWidth) return;
      lastWidth = width;
      chart.current.setSize({ width, height: heightFor(width) });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.current?.destroy();
      chart.current = undefined;
    };
  }, []);

  return (
    <figure class="chart-figure" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{props.caption}</figcaption>
      {props.legend}
      <div class="chart-canvas" role="img" aria-label={props.label} aria-describedby={`${id}-summary`} ref={host} />
      <p id={`${id}-summary`} class="visually-hidden">
        {props.summary}
      </p>
      {status === 'loading' ? <p class="muted">Drawing the chart…</p> : null}
      {status === 'failed' ? <p class="muted">The chart could not load (no connection when it was first needed). Its numbers:</p> : null}
      <div class={status === 'failed' ? 'chart-table' : 'visually-hidden'}>{props.table}</div>
    </figure>
  );
}

/** A visible legend: each series' name beside a sample of its line (colour and dash) or bar. */
export function ChartLegend({ items }: { items: { label: string; color: string; dash?: number[]; bar?: boolean }[] }) {
  return (
    <ul class="chart-legend" aria-hidden="true">
      {items.map((item) => (
        <li key={item.label}>
          <span
            class={`chart-swatch${item.bar ? ' chart-swatch-bar' : ''}`}
            style={{ color: item.color, ...(item.dash ? { borderTopStyle: item.dash[0]! <= 3 ? 'dotted' : 'dashed' } : {}) }}
          />
          {item.label}
        </li>
      ))}
    </ul>
  );
}
