// Apache ECharts, tree-shaken to what the dashboard draws (line, funnel, sankey on canvas),
// plus the colour-blind-safe palette. Tooltips are built as DOM in tooltips.ts: ECharts shows
// a string tooltip as HTML, so data never goes through a string formatter.
import { LineChart, FunnelChart, SankeyChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, FunnelChart, SankeyChart, GridComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/** Okabe–Ito, the palette designed to stay distinct for every kind of colour blindness. */
export const OKABE_ITO = {
  orange: '#E69F00',
  sky: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  grey: '#8C8C8C',
} as const;

/** Good and bad, as used by deltas and targets (blue/vermillion; the ▲▼✔✖ carry it too). */
export const GOOD = OKABE_ITO.blue;
export const BAD = OKABE_ITO.vermillion;

const CHANNEL_COLORS: Record<string, string> = {
  'organic search': OKABE_ITO.green,
  'paid search': OKABE_ITO.blue,
  'organic social': OKABE_ITO.sky,
  'paid social': OKABE_ITO.purple,
  email: OKABE_ITO.orange,
  direct: OKABE_ITO.grey,
  referral: OKABE_ITO.yellow,
  display: OKABE_ITO.vermillion,
};
// Paul Tol's muted scheme for channels outside the table (store, support, affiliate, …).
const EXTRA = ['#332288', '#44AA99', '#882255', '#117733', '#DDCC77', '#88CCEE', '#AA4499', '#999933'];

/** A stable colour per channel name. */
export function channelColor(name: string): string {
  const known = CHANNEL_COLORS[name];
  if (known) return known;
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
  return EXTRA[hash % EXTRA.length]!;
}

/** Black or white, whichever reads better on `hex`. */
export function inkOn(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#1b1f24' : '#ffffff';
}

// Viridis: sequential, perceptually uniform and colour-blind safe; stages go dark → light.
const VIRIDIS = ['#30123b', '#414487', '#2a788e', '#22a884', '#7ad151', '#bddf26'];

/** Colour of stage `i` of `n` (viridis from indigo to green). */
export function stageColor(i: number, n: number): string {
  const pos = n <= 1 ? 0 : (i / (n - 1)) * (VIRIDIS.length - 2) + 0.5;
  return VIRIDIS[Math.min(VIRIDIS.length - 1, Math.round(pos))]!;
}

const live = new Map<HTMLElement, { chart: echarts.ECharts; observer: ResizeObserver }>();

/**
 * Draws an option into `el` (created on first use, redrawn in place afterwards) and keeps it
 * sized to its box.
 */
export function draw(el: HTMLElement, option: ChartOption): echarts.ECharts {
  let entry = live.get(el);
  if (!entry) {
    const chart = echarts.init(el, null, { renderer: 'canvas' });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(el);
    entry = { chart, observer };
    live.set(el, entry);
  }
  // No animation for people who asked their system for reduced motion (and for screenshots).
  const animation = !matchMedia('(prefers-reduced-motion: reduce)').matches;
  entry.chart.setOption({ animation, animationDuration: 400, textStyle: { fontFamily: 'inherit' }, ...option }, { notMerge: true });
  return entry.chart;
}

/** Disposes every chart whose element has left the document (after a redraw). */
export function disposeDetached(): void {
  for (const [el, { chart, observer }] of live) {
    if (!el.isConnected) {
      observer.disconnect();
      chart.dispose();
      live.delete(el);
    }
  }
}

/**
 * Shared tooltip settings: item trigger, plain styling, and `confine` — besides keeping the
 * tooltip inside the chart, it stops ECharts from adding its arrow, the one piece it writes as
 * an HTML string with a style attribute (which the dashboard's CSP would refuse).
 */
export const TOOLTIP = {
  trigger: 'item',
  confine: true,
  backgroundColor: '#ffffff',
  borderColor: '#d0d7de',
  padding: [8, 10],
  textStyle: { color: '#1b1f24', fontSize: 12 },
} as const;
