// The dashboard's charts (issue 14), drawn by Chart.js 4 and chartjs-chart-matrix (the retention heat map).
// Imported only by the metrics route, and there with import(): the charting library never loads on Home or the
// plan. Canvas only — Chart.js sets sizes through the CSSOM (allowed by the CSP's style-src 'self'), no <style>.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
  type ChartConfiguration, type Plugin
} from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import type { Locale } from './i18n';
import {
  LATENCY_TARGET_MS, OUTCOMES, RETENTION_WEEKS, heatColour, inkOn,
  type AiShareSeries, type HeatCell, type LatencyRow, type Outcome, type OutcomeSeries, type WeeklyActives
} from './metrics';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend, MatrixController, MatrixElement);

// The app's palette (app.css), chosen to keep 3:1 against the white card and apart for colour-blind readers.
export const COLOURS = {
  ink: '#2a1d12',
  muted: '#6b5744',
  grid: '#e3d6c6',
  brand: '#7a3e12',
  blue: '#1a5fb4',
  goal: '#1f6b3a',
  target: '#a3261b',
  outcomes: { confirmed_as_is: '#1f6b3a', edited: '#b8860b', rejected: '#a3261b', undone: '#5b5f97' } satisfies Record<Outcome, string>
};

Chart.defaults.color = COLOURS.muted;
Chart.defaults.borderColor = COLOURS.grid;
Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
Chart.defaults.font.size = 13;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.animation = false;

export type { Chart };

const integerTicks = { precision: 0 };

export function weeklyChart(canvas: HTMLCanvasElement, d: WeeklyActives, words: { users: string; bakeries: string; events: string }, locale: Locale, platform: boolean): Chart {
  const datasets: ChartConfiguration<'bar' | 'line'>['data']['datasets'] = [
    { type: 'bar', label: words.users, data: d.users, backgroundColor: COLOURS.brand, order: 2 },
    { type: 'line', label: words.events, data: d.events, borderColor: COLOURS.blue, backgroundColor: COLOURS.blue, borderDash: [6, 4], pointRadius: 3, order: 1 }
  ];
  if (platform) datasets.splice(1, 0, { type: 'line', label: words.bakeries, data: d.bakeries, borderColor: COLOURS.goal, backgroundColor: COLOURS.goal, pointRadius: 3, order: 0 });
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: d.labels, datasets },
    options: { locale, scales: { y: { beginAtZero: true, ticks: integerTicks } }, plugins: { legend: { position: 'bottom' } } }
  });
}

export function aiShareChart(canvas: HTMLCanvasElement, s: AiShareSeries, words: { share: string; goal: string }, locale: Locale): Chart {
  const pct = (v: number | string) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(Number(v) / 100);
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels: s.labels,
      datasets: [
        { label: words.share, data: s.share, borderColor: COLOURS.brand, backgroundColor: COLOURS.brand, pointRadius: 4, spanGaps: true },
        { label: words.goal, data: s.goal, borderColor: COLOURS.goal, backgroundColor: COLOURS.goal, borderDash: [6, 4], pointRadius: 0, borderWidth: 2 }
      ]
    },
    options: {
      locale,
      scales: { y: { min: 0, max: 100, ticks: { callback: pct, stepSize: 20 } } },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${pct(c.parsed.y ?? 0)}` } }
      }
    }
  });
}

export function sourcesChart(canvas: HTMLCanvasElement, rows: { label: string; count: number }[], words: { purchases: string }, locale: Locale): Chart {
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: rows.map((r) => r.label), datasets: [{ label: words.purchases, data: rows.map((r) => r.count), backgroundColor: COLOURS.brand }] },
    options: { locale, indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: integerTicks } }, plugins: { legend: { display: false } } }
  });
}

export function outcomesChart(canvas: HTMLCanvasElement, s: OutcomeSeries, sourceLabels: string[], words: Record<Outcome, string>, locale: Locale): Chart {
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: sourceLabels,
      datasets: OUTCOMES.map((o) => ({ label: words[o], data: s.values[o], backgroundColor: COLOURS.outcomes[o], stack: 'outcomes' }))
    },
    options: {
      locale,
      indexAxis: 'y',
      scales: { x: { stacked: true, beginAtZero: true, ticks: integerTicks }, y: { stacked: true } },
      plugins: { legend: { position: 'bottom' } }
    }
  });
}

/** A dashed line across the value axis at `value`, with its words (the 200 ms target). */
function markLine(value: number, text: string): Plugin<'bar'> {
  return {
    id: 'markLine',
    afterDatasetsDraw(chart) {
      const x = chart.scales.x.getPixelForValue(value);
      const { top, bottom } = chart.chartArea;
      const ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = COLOURS.target;
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = COLOURS.target;
      ctx.font = `600 12px ${Chart.defaults.font.family}`;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'bottom';
      ctx.textAlign = 'center';
      ctx.fillText(text, x, top - 4); // above the bars, in the padding left for it
      ctx.restore();
    }
  };
}

export function latencyChart(canvas: HTMLCanvasElement, rows: LatencyRow[], words: { p95: string; target: string }, locale: Locale): Chart<'bar'> {
  const longest = Math.max(LATENCY_TARGET_MS, ...rows.map((r) => r.p95));
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.operation),
      datasets: [{ label: words.p95, data: rows.map((r) => r.p95), backgroundColor: rows.map((r) => (r.overTarget ? COLOURS.target : COLOURS.brand)) }]
    },
    options: {
      locale,
      indexAxis: 'y',
      layout: { padding: { top: 20, right: 8 } },
      scales: { x: { beginAtZero: true, suggestedMax: Math.ceil((longest * 1.15) / 50) * 50, ticks: { callback: (v) => `${v} ms` } } },
      plugins: { legend: { display: false } }
    },
    plugins: [markLine(LATENCY_TARGET_MS, words.target)]
  });
}

/** The percentage written in every cell of the heat map (dark or white, whichever reads better on it). */
const cellValues: Plugin<'matrix'> = {
  id: 'cellValues',
  afterDatasetsDraw(chart) {
    const ctx = chart.ctx;
    const meta = chart.getDatasetMeta(0);
    const data = chart.data.datasets[0].data as unknown as HeatCell[];
    ctx.save();
    ctx.font = `600 12px ${Chart.defaults.font.family}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    meta.data.forEach((element, i) => {
      const cell = data[i];
      if (!cell || cell.v == null) return;
      const { x, y } = (element as unknown as MatrixElement).getCenterPoint();
      ctx.fillStyle = inkOn(heatColour(cell.v));
      ctx.fillText(`${Math.round(cell.v)}`, x, y);
    });
    ctx.restore();
  }
};

export function retentionChart(canvas: HTMLCanvasElement, rows: string[], cells: HeatCell[], words: { week: (n: number) => string; after: string; cell: (c: HeatCell) => string }, locale: Locale): Chart<'matrix'> {
  const weeks = Array.from({ length: RETENTION_WEEKS }, (_, i) => String(i + 1));
  return new Chart(canvas, {
    type: 'matrix',
    data: {
      datasets: [
        {
          label: '',
          data: cells.map((c) => ({ ...c, x: String(c.x) })) as never,
          backgroundColor: (c) => heatColour((c.raw as HeatCell | undefined)?.v ?? null),
          borderColor: '#ffffff',
          borderWidth: 1,
          width: ({ chart }) => (chart.chartArea?.width ?? 0) / RETENTION_WEEKS - 1,
          height: ({ chart }) => (chart.chartArea?.height ?? 0) / Math.max(1, rows.length) - 1
        }
      ]
    },
    options: {
      locale,
      scales: {
        x: {
          type: 'category', labels: weeks, offset: true, position: 'top', grid: { display: false },
          title: { display: true, text: words.after },
          // "Week 3" where there is room, "3" on a phone (under the axis title that says what they count)
          ticks: { maxRotation: 0, callback(_v, i) { return this.chart.width >= 560 ? words.week(i + 1) : String(i + 1); } }
        },
        y: { type: 'category', labels: rows, offset: true, reverse: false, grid: { display: false } } // the oldest cohort on top (the matrix plugin reverses y by default)
      },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { title: () => '', label: (c) => words.cell(c.raw as HeatCell) } }
      }
    },
    plugins: [cellValues]
  });
}
