// The answers of get_metrics and get_quotas (issue 14), as the contract between the functions and the app says.

export type MetricsScope = 'bakery' | 'platform';

export interface MetricsDay {
  date: string;
  active_users: number;
  active_bakeries: number;
  calls: number;
  errors: number;
}

export interface MetricsWeek {
  /** The Monday the week starts on (YYYY-MM-DD). */
  week: string;
  active_users: number;
  active_bakeries: number;
  purchases: number;
  ai_purchases: number;
  ai_share: number | null;
  events_planned: number;
}

export interface RetentionCohort {
  /** The Monday of the week its members signed up. */
  cohort: string;
  size: number;
  /** Share of the cohort active in week 1…8 after signup (0…1); null: that week has not come yet. */
  weeks: (number | null)[];
}

export const AI_SOURCES = ['manual', 'voice', 'text', 'receipt', 'shelf_photo', 'barcode', 'agent', 'import'] as const;
export type AiSource = (typeof AI_SOURCES)[number];

export interface ProposalOutcomes {
  source: string;
  proposed: number;
  confirmed_as_is: number;
  edited: number;
  rejected: number;
  undone: number;
}

export interface OperationLatency {
  operation: string;
  calls: number;
  errors: number;
  error_rate: number;
  p50_ms: number;
  p95_ms: number;
}

export interface Metrics {
  scope: MetricsScope;
  from: string;
  to: string;
  bakeries: number;
  daily: MetricsDay[];
  weekly: MetricsWeek[];
  retention: RetentionCohort[];
  ai_share: { purchases: number; ai_purchases: number; share: number | null; by_source: Partial<Record<AiSource, number>> & Record<string, number> };
  proposals: ProposalOutcomes[];
  events: { planned: number; per_bakery: number; median_hours_to_complete_plan: number | null };
  operations: OperationLatency[];
}

export interface Quota {
  /** A stable id ("ai_readings"). */
  what: string;
  /** Plain English for the baker (shown when the app has no words of its own for `what`). */
  label: string;
  per: 'bakery' | 'account';
  allowed: number;
  used: number;
  window: 'hour' | 'day';
  /** ISO-8601 UTC. */
  resets_at: string;
  /** What is counted when it is not tries ("MiB"); not in the contract, sent by get_quotas. */
  unit?: string;
}
