// The outbox dispatcher: delivers sync_outbox entries to the edge as signed allocation pushes
// (docs/sync-protocol.md), in id order per experiment. Entry k+1 of an experiment is sent only
// after entry k was acknowledged (2xx); experiments are independent of one another. A failed
// delivery is retried with exponential backoff: next_attempt_at = now + min(60 s, 0.5 s * 2^n)
// (n = earlier attempts), with +-20% jitter. The dispatcher is woken by kick() right after an
// enqueue and also polls, so entries left by a crash or another control-plane copy go out too.
//
// Started by main.ts (createOutboxDispatcher(...).start(), stop() on shutdown); tests call
// drainOnce() with an injected fetch and clock.

import type { Db } from "../db/client.js";
import { markDelivered, markFailed, nextPending, pendingHeads, type OutboxRow } from "../db/repositories/outbox.js";
import type { EdgeClient } from "./edge-client.js";

export interface OutboxLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface OutboxOptions {
  db: Db;
  edgeClient: EdgeClient;
  /** Milliseconds since the epoch. */
  clock?: () => number;
  /** Uniform [0, 1) for the jitter. */
  random?: () => number;
  pollIntervalMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  logger?: OutboxLogger;
}

export interface DrainReport {
  /** Entries acknowledged by the edge in this pass. */
  delivered: number;
  /** Entries whose delivery failed in this pass (rescheduled). */
  failed: number;
  /** Experiments whose next entry is waiting for its backoff to pass. */
  deferred: number;
}

export interface OutboxDispatcher {
  /** Starts polling (every pollIntervalMs) and makes kick() effective. */
  start(): void;
  /** Stops polling and waits for a pass in flight to finish. */
  stop(): Promise<void>;
  /** Asks for a pass soon (after an enqueue); coalesced, and a no-op unless started. */
  kick(): void;
  /** Runs one full pass now (after any pass in flight) and reports what it did. */
  drainOnce(): Promise<DrainReport>;
  /** The backoff after `attempts` earlier failed attempts, before jitter, in ms. */
  backoffMs(attempts: number): number;
}

export const DEFAULT_POLL_INTERVAL_MS = 1000;
export const DEFAULT_BASE_DELAY_MS = 500;
export const DEFAULT_MAX_DELAY_MS = 60_000;

export function createOutboxDispatcher(opts: OutboxOptions): OutboxDispatcher {
  const { db, edgeClient } = opts;
  const clock = opts.clock ?? Date.now;
  const random = opts.random ?? Math.random;
  const pollIntervalMs = opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const baseDelayMs = opts.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const maxDelayMs = opts.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const logger = opts.logger ?? { warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };

  let started = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let kickTimer: ReturnType<typeof setTimeout> | undefined;
  let inflight: Promise<DrainReport> | null = null;

  const backoffMs = (attempts: number) => Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempts, 30));
  const nowIso = () => new Date(clock()).toISOString();

  async function deliverExperiment(head: OutboxRow, report: DrainReport): Promise<void> {
    let row: OutboxRow | undefined = head;
    while (row) {
      if (row.next_attempt_at > nowIso()) {
        report.deferred++;
        return;
      }
      const result = await edgeClient.pushAllocation(row.experiment_id, JSON.stringify(row.payload));
      if (!result.ok) {
        const delay = Math.min(maxDelayMs, backoffMs(row.attempts) * (0.8 + 0.4 * random()));
        await markFailed(db, row.id, result.error, new Date(clock() + delay).toISOString());
        report.failed++;
        logger.warn(
          `mvx outbox: push of experiment ${row.experiment_id} version ${row.version} failed (attempt ${row.attempts + 1}): ${result.error}; retrying in ${(delay / 1000).toFixed(1)} s`,
        );
        return;
      }
      await markDelivered(db, row.id, nowIso());
      report.delivered++;
      row = await nextPending(db, row.experiment_id);
    }
  }

  async function pass(): Promise<DrainReport> {
    const report: DrainReport = { delivered: 0, failed: 0, deferred: 0 };
    const heads = await pendingHeads(db);
    await Promise.all(heads.map((head) => deliverExperiment(head, report)));
    return report;
  }

  function drainOnce(): Promise<DrainReport> {
    if (inflight) return inflight.catch(() => undefined).then(() => drainOnce());
    const p = pass().finally(() => {
      if (inflight === p) inflight = null;
    });
    inflight = p;
    return p;
  }

  function background(): void {
    if (!started) return;
    drainOnce().catch((e: unknown) => logger.error(`mvx outbox: pass failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  return {
    start() {
      if (started) return;
      started = true;
      timer = setInterval(() => {
        if (!inflight) background();
      }, pollIntervalMs);
      timer.unref?.();
      background();
    },
    async stop() {
      started = false;
      if (timer) clearInterval(timer);
      if (kickTimer) clearTimeout(kickTimer);
      timer = undefined;
      kickTimer = undefined;
      await inflight?.catch(() => undefined);
    },
    kick() {
      if (!started || kickTimer) return;
      kickTimer = setTimeout(() => {
        kickTimer = undefined;
        background();
      }, 0);
    },
    drainOnce,
    backoffMs,
  };
}
