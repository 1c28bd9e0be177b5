// The retention job: enforces DATA-MODEL.md's "Retention Policies" on a schedule. Started by
// main.ts next to the outbox dispatcher (start() / stop()); tests call runOnce(now).
//
// DATA-MODEL.md retention, and what this job does about each:
//   - Experiments: indefinite. Nothing is deleted (experiments, their assignments and results).
//   - Bandit allocations: 90-day rolling window. ENFORCED: bandit_allocations whose timestamp is
//     more than 90 days before now are deleted; the edge's drift events, which describe the same
//     decision stream, follow the same window. Configurations and RegretMetrics snapshots stay
//     (they belong to the experiment).
//   - Optimisation iterations: indefinite. Nothing is deleted.
//   - Network graphs: duration of the experiment. NOT YET ENFORCED: the network routes have not
//     landed and experiments do not record when they ended; deleting graphs of Completed/Archived
//     experiments belongs here once they do.
//   - Model artifacts: 1 year after the experiment ends. NOT YET ENFORCED, for the same reason
//     (no end timestamp on experiments yet).

import type { Db } from "../db/client.js";
import { deleteAllocationsBefore, deleteDriftEventsBefore } from "../db/repositories/bandits.js";

export const BANDIT_ALLOCATION_RETENTION_DAYS = 90;
export const DEFAULT_RETENTION_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionReport {
  /** The cutoff used (ISO): rows older than it were deleted. */
  cutoff: string;
  bandit_allocations: number;
  bandit_drift_events: number;
}

export interface RetentionJob {
  /** Runs once now and then every intervalMs. */
  start(): void;
  /** Stops the schedule and waits for a run in flight. */
  stop(): Promise<void>;
  /** One pass with `now` (ms since the epoch; the clock by default). */
  runOnce(now?: number): Promise<RetentionReport>;
}

export interface RetentionOptions {
  db: Db;
  clock?: () => number;
  intervalMs?: number;
  logger?: { error(message: string): void };
}

export function createRetentionJob(opts: RetentionOptions): RetentionJob {
  const clock = opts.clock ?? Date.now;
  const intervalMs = opts.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS;
  const logger = opts.logger ?? { error: (m: string) => console.error(m) };
  let timer: ReturnType<typeof setInterval> | undefined;
  let inflight: Promise<unknown> | null = null;

  async function runOnce(now = clock()): Promise<RetentionReport> {
    const cutoff = new Date(now - BANDIT_ALLOCATION_RETENTION_DAYS * DAY_MS).toISOString();
    const bandit_allocations = await deleteAllocationsBefore(opts.db, cutoff);
    const bandit_drift_events = await deleteDriftEventsBefore(opts.db, cutoff);
    return { cutoff, bandit_allocations, bandit_drift_events };
  }

  function background(): void {
    if (inflight) return;
    inflight = runOnce()
      .catch((e: unknown) => logger.error(`mvx retention: pass failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        inflight = null;
      });
  }

  return {
    start() {
      if (timer) return;
      timer = setInterval(background, intervalMs);
      timer.unref?.();
      background();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await inflight;
    },
    runOnce,
  };
}
