// The metrics dashboard's data shaping (issue 14), pure: what each chart draws and what each CSV holds, from one
// get_metrics answer. No number is computed here that the functions did not answer, except percentages of their
// shares (× 100) and sums for the empty states.
import type { Locale } from './i18n';
import { AI_SOURCES, type Metrics, type Quota } from './metrics-types';

/** The goal for the share of purchases that came in through AI input (issue 14): 80 %. */
export const AI_GOAL_PERCENT = 80;
/** The latency target for an operation's p95 (ms). */
export const LATENCY_TARGET_MS = 200;
export const RETENTION_WEEKS = 8;

const shortDates = new Map<Locale, Intl.DateTimeFormat>();
/** A week's Monday as a short axis label: "Nov 2", "2. Nov.". Read as a calendar day (no time zone shift). */
export function weekLabel(iso: string, locale: Locale): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  if (!y || !m || !d) return iso;
  let f = shortDates.get(locale);
  if (!f) shortDates.set(locale, (f = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' })));
  return f.format(new Date(y, m - 1, d));
}

/** A share (0…1) as a percentage with at most one decimal, or null. */
export function percent(share: number | null | undefined): number | null {
  if (share == null || !Number.isFinite(share)) return null;
  return Math.round(share * 1000) / 10;
}

// ---------------------------------------------------------------- what each chart draws

export interface WeeklyActives {
  labels: string[];
  users: number[];
  bakeries: number[];
  events: number[];
}
export function weeklyActives(m: Metrics, locale: Locale): WeeklyActives {
  return {
    labels: m.weekly.map((w) => weekLabel(w.week, locale)),
    users: m.weekly.map((w) => w.active_users),
    bakeries: m.weekly.map((w) => w.active_bakeries),
    events: m.weekly.map((w) => w.events_planned)
  };
}

export interface AiShareSeries {
  labels: string[];
  /** Per week, in percent; null where the week had no purchase. */
  share: (number | null)[];
  goal: number[];
}
export function aiShareSeries(m: Metrics, locale: Locale): AiShareSeries {
  return {
    labels: m.weekly.map((w) => weekLabel(w.week, locale)),
    share: m.weekly.map((w) => percent(w.ai_share)),
    goal: m.weekly.map(() => AI_GOAL_PERCENT)
  };
}

/** Purchases by the way they came in: the contract's sources in its order, then any other the functions name. */
export function bySource(m: Metrics): { source: string; count: number }[] {
  const counts = m.ai_share.by_source ?? {};
  const known: string[] = [...AI_SOURCES];
  const names = [...known, ...Object.keys(counts).filter((s) => !known.includes(s)).sort()];
  return names.map((source) => ({ source, count: counts[source] ?? 0 })).filter((x) => x.count > 0);
}

export const OUTCOMES = ['confirmed_as_is', 'edited', 'rejected', 'undone'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export interface OutcomeSeries {
  sources: string[];
  proposed: number[];
  values: Record<Outcome, number[]>;
}
/** Stacked bars per source; sources with no proposal are left out. */
export function outcomeSeries(m: Metrics): OutcomeSeries {
  const rows = m.proposals.filter((p) => p.proposed > 0 || OUTCOMES.some((o) => p[o] > 0));
  return {
    sources: rows.map((p) => p.source),
    proposed: rows.map((p) => p.proposed),
    values: Object.fromEntries(OUTCOMES.map((o) => [o, rows.map((p) => p[o])])) as Record<Outcome, number[]>
  };
}

export interface HeatCell {
  /** Week after signup, 1…8. */
  x: number;
  /** The cohort's row label. */
  y: string;
  /** Share active, in percent; null: that week has not come yet. */
  v: number | null;
  size: number;
}
/** The retention heat map: one cell per cohort and week 1…8 (every week, so the grid is whole). */
export function retentionCells(m: Metrics, locale: Locale): { rows: string[]; cells: HeatCell[] } {
  const rows = m.retention.map((c) => weekLabel(c.cohort, locale));
  const cells: HeatCell[] = [];
  m.retention.forEach((c, i) => {
    for (let w = 0; w < RETENTION_WEEKS; w++) cells.push({ x: w + 1, y: rows[i], v: percent(c.weeks[w]), size: c.size });
  });
  return { rows, cells };
}

// Colours of the heat map: cream (0 %) to dark crust (100 %); "not yet" is a pale grey.
const HEAT_LOW: [number, number, number] = [0xfb, 0xf1, 0xe4];
const HEAT_HIGH: [number, number, number] = [0x5c, 0x2a, 0x0a];
export const HEAT_NONE = '#efeae4';
// Black, not the app's brown ink: only black and white both reach 4.5:1 on every colour of a continuous scale.
const INK = '#000000';
const WHITE = '#ffffff';

const hex = (rgb: number[]) => '#' + rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('');
/** The cell's colour for a percentage (0…100), or the "not yet" grey. */
export function heatColour(v: number | null): string {
  if (v == null) return HEAT_NONE;
  const f = Math.max(0, Math.min(1, v / 100));
  return hex(HEAT_LOW.map((lo, i) => lo + (HEAT_HIGH[i] - lo) * f));
}

function luminance(colour: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
/** WCAG contrast ratio of two #rrggbb colours. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
/** The text colour (dark ink or white) that reads best on a cell. */
export function inkOn(background: string): string {
  return contrast(background, INK) >= contrast(background, WHITE) ? INK : WHITE;
}

export interface LatencyRow {
  operation: string;
  calls: number;
  errors: number;
  /** In percent. */
  errorRate: number;
  p50: number;
  p95: number;
  overTarget: boolean;
}
/** Operations, slowest p95 first. */
export function latencyRows(m: Metrics): LatencyRow[] {
  return [...m.operations]
    .sort((a, b) => b.p95_ms - a.p95_ms || a.operation.localeCompare(b.operation))
    .map((o) => ({
      operation: o.operation,
      calls: o.calls,
      errors: o.errors,
      errorRate: Math.round(o.error_rate * 1000) / 10,
      p50: o.p50_ms,
      p95: o.p95_ms,
      overTarget: o.p95_ms > LATENCY_TARGET_MS
    }));
}

/** What has any history, for the empty states ("a new bakery has no history yet"). */
export function history(m: Metrics) {
  return {
    actives: m.weekly.some((w) => w.active_users > 0 || w.active_bakeries > 0),
    retention: m.retention.length > 0,
    aiShare: m.ai_share.purchases > 0,
    proposals: m.proposals.some((p) => p.proposed > 0),
    operations: m.operations.some((o) => o.calls > 0),
    events: m.events.planned > 0
  };
}

// ---------------------------------------------------------------- CSV (for spreadsheets: dot decimals, no grouping)

type Cell = string | number | null | undefined;

/** A number as a spreadsheet reads it in any locale: dot decimal, no thousands separator, no exponent. */
export function csvNumber(n: number): string {
  if (!Number.isFinite(n)) return '';
  const rounded = Math.round(n * 1e6) / 1e6;
  const text = String(rounded);
  if (!/e/i.test(text)) return text;
  return rounded.toFixed(6).replace(/\.?0+$/, '');
}

function csvCell(c: Cell): string {
  if (c == null) return '';
  if (typeof c === 'number') return csvNumber(c);
  return /[",\r\n]/.test(c) || /^\s|\s$/.test(c) ? `"${c.replace(/"/g, '""')}"` : c;
}

export function toCsv(rows: Cell[][]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export const CSV_SECTIONS = ['weekly', 'daily', 'retention', 'ai_sources', 'proposals', 'events', 'operations'] as const;
export type CsvSection = (typeof CSV_SECTIONS)[number];

/** One section's rows, the header first; column names are the answer's own field names. */
export function sectionRows(m: Metrics, section: CsvSection): Cell[][] {
  switch (section) {
    case 'weekly':
      return [
        ['week', 'active_users', 'active_bakeries', 'purchases', 'ai_purchases', 'ai_share', 'events_planned'],
        ...m.weekly.map((w) => [w.week, w.active_users, w.active_bakeries, w.purchases, w.ai_purchases, w.ai_share, w.events_planned])
      ];
    case 'daily':
      return [['date', 'active_users', 'active_bakeries', 'calls', 'errors'], ...m.daily.map((d) => [d.date, d.active_users, d.active_bakeries, d.calls, d.errors])];
    case 'retention':
      return [
        ['cohort', 'size', ...Array.from({ length: RETENTION_WEEKS }, (_, i) => `week_${i + 1}`)],
        ...m.retention.map((c) => [c.cohort, c.size, ...Array.from({ length: RETENTION_WEEKS }, (_, i) => c.weeks[i] ?? null)])
      ];
    case 'ai_sources': {
      const counts = m.ai_share.by_source ?? {};
      const names = [...AI_SOURCES, ...Object.keys(counts).filter((s) => !(AI_SOURCES as readonly string[]).includes(s)).sort()];
      return [
        ['source', 'purchases'],
        ...names.map((s) => [s, counts[s] ?? 0]),
        ['all', m.ai_share.purchases],
        ['ai', m.ai_share.ai_purchases],
        ['ai_share', m.ai_share.share]
      ];
    }
    case 'proposals':
      return [
        ['source', 'proposed', 'confirmed_as_is', 'edited', 'rejected', 'undone'],
        ...m.proposals.map((p) => [p.source, p.proposed, p.confirmed_as_is, p.edited, p.rejected, p.undone])
      ];
    case 'events':
      return [
        ['planned', 'per_bakery', 'median_hours_to_complete_plan'],
        [m.events.planned, m.events.per_bakery, m.events.median_hours_to_complete_plan]
      ];
    case 'operations':
      return [
        ['operation', 'calls', 'errors', 'error_rate', 'p50_ms', 'p95_ms'],
        ...m.operations.map((o) => [o.operation, o.calls, o.errors, o.error_rate, o.p50_ms, o.p95_ms])
      ];
  }
}

export function sectionCsv(m: Metrics, section: CsvSection): string {
  return toCsv(sectionRows(m, section));
}

/** Every section in one file: a line naming the section, its rows, a blank line. */
export function allCsv(m: Metrics): string {
  const rows: Cell[][] = [['scope', 'from', 'to', 'bakeries'], [m.scope, m.from, m.to, m.bakeries], []];
  for (const s of CSV_SECTIONS) rows.push([`# ${s}`], ...sectionRows(m, s), []);
  return toCsv(rows.slice(0, -1));
}

/** "baketracker-metrics-bakery-weekly-2026-10-05-to-2026-11-29.csv" */
export function csvFileName(m: Pick<Metrics, 'scope' | 'from' | 'to'>, section: CsvSection | 'all'): string {
  return `baketracker-metrics-${m.scope}-${section}-${m.from}-to-${m.to}.csv`;
}

// ---------------------------------------------------------------- quotas

export interface QuotaRow extends Quota {
  /** Share used, in percent (0 when nothing is allowed). */
  usedPercent: number;
  /** 80 % or more used. */
  nearlyFull: boolean;
}
export function quotaRows(quotas: Quota[]): QuotaRow[] {
  return quotas.map((q) => {
    const usedPercent = q.allowed > 0 ? Math.round((q.used / q.allowed) * 100) : 0;
    return { ...q, usedPercent, nearlyFull: q.allowed > 0 && q.used / q.allowed >= 0.8 };
  });
}
