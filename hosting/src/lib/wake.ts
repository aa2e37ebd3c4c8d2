// One wake-up timer for queues that retry later (the outbox, the photo queue): set for the earliest item due.
export type Schedule = (fn: () => void, ms: number) => unknown;

const defaultSchedule: Schedule = (fn, ms) => setTimeout(fn, ms);

/** A timer for the earliest of `due` (ms since the epoch), or null when nothing waits; 50 ms late on purpose. */
export function wakeForEarliest(due: number[], now: number, wake: () => void, schedule: Schedule = defaultSchedule): unknown {
  if (!due.length) return null;
  return schedule(wake, Math.max(0, Math.min(...due) - now) + 50);
}
