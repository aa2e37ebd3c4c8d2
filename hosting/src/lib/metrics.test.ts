import { describe, expect, it } from 'vitest';
import { translate } from './i18n';
import { en } from './i18n/en';
import {
  AI_GOAL_PERCENT, CSV_SECTIONS, aiShareSeries, allCsv, bySource, contrast, csvFileName, csvNumber, heatColour, HEAT_NONE, history, inkOn,
  latencyRows, outcomeSeries, percent, quotaRows, retentionCells, sectionCsv, sectionRows, toCsv, weekLabel, weeklyActives
} from './metrics';
import type { Metrics } from './metrics-types';

/** A get_metrics answer shaped as the contract says: 3 weeks of a small bakery. */
const answer = (): Metrics => ({
  scope: 'bakery',
  from: '2026-11-09',
  to: '2026-11-29',
  bakeries: 1,
  daily: [
    { date: '2026-11-09', active_users: 2, active_bakeries: 1, calls: 40, errors: 1 },
    { date: '2026-11-10', active_users: 1, active_bakeries: 1, calls: 12, errors: 0 }
  ],
  weekly: [
    { week: '2026-11-09', active_users: 3, active_bakeries: 1, purchases: 10, ai_purchases: 6, ai_share: 0.6, events_planned: 1 },
    { week: '2026-11-16', active_users: 2, active_bakeries: 1, purchases: 0, ai_purchases: 0, ai_share: null, events_planned: 0 },
    { week: '2026-11-23', active_users: 4, active_bakeries: 1, purchases: 8, ai_purchases: 7, ai_share: 0.875, events_planned: 2 }
  ],
  retention: [
    { cohort: '2026-11-09', size: 4, weeks: [0.75, 0.5, null, null, null, null, null, null] },
    { cohort: '2026-11-16', size: 1, weeks: [1, null, null, null, null, null, null, null] }
  ],
  ai_share: { purchases: 18, ai_purchases: 13, share: 13 / 18, by_source: { manual: 5, voice: 4, text: 0, receipt: 6, shelf_photo: 0, barcode: 3, agent: 0, import: 0 } },
  proposals: [
    { source: 'voice', proposed: 5, confirmed_as_is: 3, edited: 1, rejected: 1, undone: 0 },
    { source: 'receipt', proposed: 7, confirmed_as_is: 4, edited: 2, rejected: 0, undone: 1 },
    { source: 'shelf_photo', proposed: 0, confirmed_as_is: 0, edited: 0, rejected: 0, undone: 0 }
  ],
  events: { planned: 3, per_bakery: 3, median_hours_to_complete_plan: 26.5 },
  operations: [
    { operation: 'plan_event', calls: 30, errors: 0, error_rate: 0, p50_ms: 80, p95_ms: 140.5 },
    { operation: 'propose_from_photo', calls: 6, errors: 1, error_rate: 1 / 6, p50_ms: 900, p95_ms: 2400 },
    { operation: 'add_purchase', calls: 16, errors: 0, error_rate: 0, p50_ms: 60, p95_ms: 120 }
  ]
});

const empty = (): Metrics => ({
  scope: 'bakery', from: '2026-11-09', to: '2026-11-29', bakeries: 1, daily: [],
  weekly: [{ week: '2026-11-23', active_users: 0, active_bakeries: 0, purchases: 0, ai_purchases: 0, ai_share: null, events_planned: 0 }],
  retention: [],
  ai_share: { purchases: 0, ai_purchases: 0, share: null, by_source: { manual: 0, voice: 0, text: 0, receipt: 0, shelf_photo: 0, barcode: 0, agent: 0, import: 0 } },
  proposals: [], events: { planned: 0, per_bakery: 0, median_hours_to_complete_plan: null }, operations: []
});

describe('chart data from a get_metrics answer', () => {
  it('weekly actives: one label and value per week, dates as the locale writes them', () => {
    const d = weeklyActives(answer(), 'en');
    expect(d.labels).toEqual(['Nov 9', 'Nov 16', 'Nov 23']);
    expect(d.users).toEqual([3, 2, 4]);
    expect(d.bakeries).toEqual([1, 1, 1]);
    expect(d.events).toEqual([1, 0, 2]);
    expect(weekLabel('2026-11-09', 'de')).toBe('9. Nov.');
  });
  it('AI share per week in percent, a gap where no purchase was made, the 80 % goal beside it', () => {
    const s = aiShareSeries(answer(), 'en');
    expect(s.share).toEqual([60, null, 87.5]);
    expect(s.goal).toEqual([AI_GOAL_PERCENT, AI_GOAL_PERCENT, AI_GOAL_PERCENT]);
    expect(percent(13 / 18)).toBe(72.2);
  });
  it('sources in the contract order, empty ones left out, unknown ones kept after them', () => {
    expect(bySource(answer())).toEqual([
      { source: 'manual', count: 5 }, { source: 'voice', count: 4 }, { source: 'receipt', count: 6 }, { source: 'barcode', count: 3 }
    ]);
    const m = answer();
    m.ai_share.by_source = { ...m.ai_share.by_source, email: 2 };
    expect(bySource(m).at(-1)).toEqual({ source: 'email', count: 2 });
  });
  it('proposal outcomes stacked per source; a source with no proposal is left out', () => {
    const s = outcomeSeries(answer());
    expect(s.sources).toEqual(['voice', 'receipt']);
    expect(s.proposed).toEqual([5, 7]);
    expect(s.values).toEqual({ confirmed_as_is: [3, 4], edited: [1, 2], rejected: [1, 0], undone: [0, 1] });
  });
  it('the retention grid is whole: 8 cells a cohort, "not yet" as null', () => {
    const { rows, cells } = retentionCells(answer(), 'en');
    expect(rows).toEqual(['Nov 9', 'Nov 16']);
    expect(cells).toHaveLength(16);
    expect(cells[0]).toEqual({ x: 1, y: 'Nov 9', v: 75, size: 4 });
    expect(cells[1].v).toBe(50);
    expect(cells[2].v).toBeNull();
    expect(cells[8]).toEqual({ x: 1, y: 'Nov 16', v: 100, size: 1 });
  });
  it('heat map colours run from cream to crust, and every cell value is readable (WCAG 4.5:1)', () => {
    expect(heatColour(0)).toBe('#fbf1e4');
    expect(heatColour(100)).toBe('#5c2a0a');
    expect(heatColour(null)).toBe(HEAT_NONE);
    for (let v = 0; v <= 100; v += 5) expect(contrast(heatColour(v), inkOn(heatColour(v)))).toBeGreaterThanOrEqual(4.5);
    expect(inkOn(heatColour(0))).toBe('#000000');
    expect(inkOn(heatColour(100))).toBe('#ffffff');
  });
  it('latency: slowest p95 first, the 200 ms target marked, error rate in percent', () => {
    const rows = latencyRows(answer());
    expect(rows.map((r) => r.operation)).toEqual(['propose_from_photo', 'plan_event', 'add_purchase']);
    expect(rows.map((r) => r.overTarget)).toEqual([true, false, false]);
    expect(rows[0].errorRate).toBe(16.7);
  });
  it('a new bakery has no history in any section', () => {
    expect(Object.values(history(empty())).some(Boolean)).toBe(false);
    expect(history(answer())).toEqual({ actives: true, retention: true, aiShare: true, proposals: true, operations: true, events: true });
  });
});

describe('CSV for spreadsheets', () => {
  it('numbers plain, dot decimal, no grouping or exponent; text quoted when it must be', () => {
    expect(csvNumber(0.875)).toBe('0.875');
    expect(csvNumber(1234567.5)).toBe('1234567.5');
    expect(csvNumber(13 / 18)).toBe('0.722222');
    expect(csvNumber(1e-7)).toBe('0');
    expect(csvNumber(2.5e-6)).toBe('0.000003');
    expect(toCsv([['a,b', 'say "hi"', null, 3]])).toBe('"a,b","say ""hi""",,3\r\n');
  });
  it('the weekly section: the answer\'s own field names, an empty cell for a week with no share', () => {
    expect(sectionCsv(answer(), 'weekly')).toBe(
      'week,active_users,active_bakeries,purchases,ai_purchases,ai_share,events_planned\r\n' +
        '2026-11-09,3,1,10,6,0.6,1\r\n2026-11-16,2,1,0,0,,0\r\n2026-11-23,4,1,8,7,0.875,2\r\n'
    );
  });
  it('retention, sources, proposals, events and operations', () => {
    expect(sectionRows(answer(), 'retention')[1]).toEqual(['2026-11-09', 4, 0.75, 0.5, null, null, null, null, null, null]);
    expect(sectionCsv(answer(), 'ai_sources')).toContain('\r\nreceipt,6\r\n');
    expect(sectionCsv(answer(), 'ai_sources')).toContain('\r\nai_share,0.722222\r\n');
    expect(sectionCsv(answer(), 'proposals').split('\r\n')[2]).toBe('receipt,7,4,2,0,1');
    expect(sectionCsv(answer(), 'events')).toBe('planned,per_bakery,median_hours_to_complete_plan\r\n3,3,26.5\r\n');
    expect(sectionCsv(answer(), 'operations').split('\r\n')[2]).toBe('propose_from_photo,6,1,0.166667,900,2400');
  });
  it('everything in one file, each section named, the scope and range first', () => {
    const text = allCsv(answer());
    const lines = text.split('\r\n');
    expect(lines.slice(0, 2)).toEqual(['scope,from,to,bakeries', 'bakery,2026-11-09,2026-11-29,1']);
    for (const s of CSV_SECTIONS) expect(lines).toContain(`# ${s}`);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(lines).toContain('plan_event,30,0,0,80,140.5');
  });
  it('a file name that says what and when', () => {
    expect(csvFileName(answer(), 'weekly')).toBe('baketracker-metrics-bakery-weekly-2026-11-09-to-2026-11-29.csv');
    expect(csvFileName({ ...answer(), scope: 'platform' }, 'all')).toBe('baketracker-metrics-platform-all-2026-11-09-to-2026-11-29.csv');
  });
});

describe('quotas', () => {
  it('share used and nearly full at 80 %', () => {
    const rows = quotaRows([
      { what: 'ai_readings', label: 'AI readings', per: 'bakery', allowed: 50, used: 40, window: 'day', resets_at: '2026-12-03T00:00:00Z' },
      { what: 'uploads', label: 'Uploads', per: 'account', allowed: 20, used: 3, window: 'hour', resets_at: '2026-12-02T20:00:00Z' },
      { what: 'other', label: 'Other', per: 'account', allowed: 0, used: 0, window: 'hour', resets_at: '2026-12-02T20:00:00Z' }
    ]);
    expect(rows.map((r) => [r.usedPercent, r.nearlyFull])).toEqual([[80, true], [15, false], [0, false]]);
  });
});

describe('the dashboard\'s words', () => {
  it('every source of the contract and every outcome has words in both languages', () => {
    for (const s of ['manual', 'voice', 'text', 'receipt', 'shelf_photo', 'barcode', 'agent', 'import']) {
      expect(`metrics.source.${s}` in en).toBe(true);
      expect(translate('de', `metrics.source.${s}` as keyof typeof en)).not.toBe(`metrics.source.${s}`);
    }
    expect(translate('en', 'metrics.weeksOption', { count: 1 })).toBe('Last 1 week');
    expect(translate('de', 'metrics.weeksOption', { count: 8 })).toBe('Letzte 8 Wochen');
  });
});
