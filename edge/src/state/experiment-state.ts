// ExperimentState: the Durable Object that holds one experiment's edge state in SQLite — the
// allocation last pushed by the control plane, arm sufficient statistics, the decision log, the
// reward dedupe set and the outbox of decision/reward events bound for the control plane — and
// answers assignments from that state alone. The worker calls its typed RPC methods; every write
// is persisted first (one transactionSync per call) and only then mirrored in the memory cache.

import { DurableObject } from "cloudflare:workers";
import { SIGNATURE_HEADER, chooseBucket, hashToUnit, meanOf, signPayload, varianceOf } from "@mvx/core";
import { resolveSecrets, type Env } from "../env.js";
import type { AllocationInput, AssignInput, Combination, ExperimentStatus, RewardEventInput } from "../schemas.js";
import { applyMigrations } from "./schema.js";
import type {
  ApplyAllocationResult,
  ArmsResult,
  AssignResult,
  NotAssignedReason,
  OutboxStatus,
  RecordRewardsResult,
  RewardRejection,
} from "./types.js";

/** Default delay between the first outbox append and its delivery (batching); env MVX_OUTBOX_FLUSH_DELAY_MS overrides. */
export const OUTBOX_FLUSH_DELAY_MS = 1_000;
/** Largest number of events per delivery (docs/sync-protocol.md). */
export const OUTBOX_BATCH_SIZE = 500;
/** Cap of the retry backoff. */
export const OUTBOX_MAX_BACKOFF_MS = 60_000;
/** Time limit of one delivery request. */
const OUTBOX_FETCH_TIMEOUT_MS = 10_000;

/** Retry delay after `attempts` consecutive failed deliveries: 1 s doubling, capped at 60 s. */
export function outboxBackoffMs(attempts: number): number {
  return Math.min(1_000 * 2 ** Math.max(0, attempts - 1), OUTBOX_MAX_BACKOFF_MS);
}

const NOT_RUNNING_REASON: Record<Exclude<ExperimentStatus, "Running">, NotAssignedReason> = {
  Draft: "experiment_not_running",
  Paused: "experiment_paused",
  Completed: "experiment_completed",
  Archived: "experiment_archived",
};

interface LoadedAllocation {
  experiment_id: string;
  version: number;
  status: ExperimentStatus;
  hash_version: number;
  salt: string;
  combinations: Combination[];
  /** traffic_allocation per combination, in order: the bucketing weights. */
  weights: number[];
  combinationIds: Set<string>;
}

interface ArmState {
  arm_id: string;
  combination_id: string;
  decisions: number;
  rewards: number;
  reward_sum: number;
  reward_sum_sq: number;
  reward_min: number | null;
  reward_max: number | null;
}

type AllocationRow = {
  experiment_id: string;
  version: number;
  status: string;
  hash_version: number;
  salt: string;
  combinations: string;
};

type ArmRow = {
  arm_id: string;
  combination_id: string;
  decisions: number;
  rewards: number;
  reward_sum: number;
  reward_sum_sq: number;
  reward_min: number | null;
  reward_max: number | null;
};

type DecisionRow = { decision_id: string; unit_id: string; combination_id: string; arm_id: string };

function loadAllocation(a: Omit<LoadedAllocation, "weights" | "combinationIds">): LoadedAllocation {
  return {
    ...a,
    weights: a.combinations.map((c) => c.traffic_allocation),
    combinationIds: new Set(a.combinations.map((c) => c.combination_id)),
  };
}

function newArm(arm_id: string, combination_id: string): ArmState {
  return { arm_id, combination_id, decisions: 0, rewards: 0, reward_sum: 0, reward_sum_sq: 0, reward_min: null, reward_max: null };
}

export class ExperimentState extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private allocation: LoadedAllocation | null = null;
  private readonly arms = new Map<string, ArmState>();
  /** When the alarm is set (ms), as far as this instance knows; null when none is set. */
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => {
      applyMigrations(ctx.storage);
      this.loadCache();
      this.alarmAt = await ctx.storage.getAlarm();
      // Events left behind without an alarm (should not happen, but never strand them).
      if (this.alarmAt === null && this.pendingCount() > 0) await this.scheduleAlarm(Date.now() + this.flushDelayMs());
    });
  }

  // ---- RPC methods -------------------------------------------------------------------------

  /** A round trip that touches nothing: the deep health check (and the benchmark's floor). */
  async ping(): Promise<{ ok: true }> {
    return { ok: true };
  }

  /** Applies an allocation push when its version is newer than the one held (docs/sync-protocol.md). */
  async applyAllocation(input: AllocationInput): Promise<ApplyAllocationResult> {
    const held = this.allocation?.version ?? null;
    if (held !== null && input.version <= held) return { applied: false, version: held };
    const now = new Date().toISOString();
    const added: ArmState[] = [];
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT OR REPLACE INTO allocation (id, experiment_id, version, status, hash_version, salt, combinations, issued_at, applied_at)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)`,
        input.experiment_id,
        input.version,
        input.status,
        input.hash_version,
        input.salt,
        JSON.stringify(input.combinations),
        input.issued_at ?? null,
        now,
      );
      for (const c of input.combinations) {
        if (this.arms.has(c.combination_id)) continue;
        this.sql.exec(
          `INSERT INTO arms (arm_id, combination_id, created_at) VALUES (?, ?, ?) ON CONFLICT (arm_id) DO NOTHING`,
          c.combination_id,
          c.combination_id,
          now,
        );
        added.push(newArm(c.combination_id, c.combination_id));
      }
    });
    this.allocation = loadAllocation({
      experiment_id: input.experiment_id,
      version: input.version,
      status: input.status,
      hash_version: input.hash_version,
      salt: input.salt,
      combinations: input.combinations,
    });
    for (const arm of added) this.arms.set(arm.arm_id, arm);
    return { applied: true, version: input.version };
  }

  /**
   * Assigns a unit: u = hashToUnit(salt, unit_id, hash_version), bucketed by the traffic weights.
   * Logs the decision, counts it on its arm and appends it to the outbox in one transaction.
   */
  async assign(input: AssignInput): Promise<AssignResult> {
    const a = this.allocation;
    if (a === null) return { outcome: "experiment_not_found" };
    if (a.status !== "Running") {
      return {
        outcome: "not_assigned",
        answer: { assigned: false, experiment_id: a.experiment_id, unit_id: input.unit_id, status: a.status, reason: NOT_RUNNING_REASON[a.status] },
      };
    }
    const u = hashToUnit(a.salt, input.unit_id, a.hash_version);
    const combination = a.combinations[chooseBucket(u, a.weights)];
    if (combination === undefined) throw new Error("allocation has no combination to assign");
    const decisionId = crypto.randomUUID();
    const armId = combination.combination_id;
    const decidedAt = new Date().toISOString();
    const payload = JSON.stringify({
      type: "decision",
      decision_id: decisionId,
      experiment_id: a.experiment_id,
      unit_id: input.unit_id,
      combination_id: combination.combination_id,
      arm_id: armId,
      variable_values: combination.variable_values,
      probability: combination.traffic_allocation,
      algorithm: null,
      allocation_version: a.version,
      context: input.context ?? null,
      decided_at: decidedAt,
    });
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT INTO decisions (decision_id, unit_id, combination_id, arm_id, probability, allocation_version, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        decisionId,
        input.unit_id,
        combination.combination_id,
        armId,
        combination.traffic_allocation,
        a.version,
        decidedAt,
      );
      this.sql.exec(
        `INSERT INTO arms (arm_id, combination_id, decisions, created_at) VALUES (?, ?, 1, ?)
         ON CONFLICT (arm_id) DO UPDATE SET decisions = decisions + 1`,
        armId,
        combination.combination_id,
        decidedAt,
      );
      this.sql.exec(`INSERT INTO outbox (payload) VALUES (?)`, payload);
    });
    this.armFor(armId, combination.combination_id).decisions += 1;
    await this.ensureAlarm();
    return {
      outcome: "assigned",
      decision: {
        assigned: true,
        decision_id: decisionId,
        experiment_id: a.experiment_id,
        unit_id: input.unit_id,
        combination_id: combination.combination_id,
        variable_values: combination.variable_values,
        arm_id: armId,
        probability: combination.traffic_allocation,
        algorithm: null,
        allocation_version: a.version,
      },
    };
  }

  /**
   * Records reward events, idempotently on event_id forever, in one transaction: a seen event is a
   * duplicate; an unattributable one is rejected and not marked seen (it may be retried later);
   * any other is attributed to its decision (by decision_id, else the unit's latest decision),
   * added to its arm's sufficient statistics and appended to the outbox.
   */
  async recordRewards(events: RewardEventInput[]): Promise<RecordRewardsResult> {
    const a = this.allocation;
    if (a === null) return { outcome: "experiment_not_found" };
    const receivedAt = new Date().toISOString();
    let accepted = 0;
    let duplicates = 0;
    const rejected: RewardRejection[] = [];
    const applied: { armId: string; combinationId: string; reward: number }[] = [];
    this.ctx.storage.transactionSync(() => {
      for (const event of events) {
        const seen = this.sql.exec(`SELECT 1 AS one FROM seen_events WHERE event_id = ?`, event.event_id).toArray();
        if (seen.length > 0) {
          duplicates += 1;
          continue;
        }
        const attribution = this.attribute(event);
        if ("reason" in attribution) {
          rejected.push({ event_id: event.event_id, reason: attribution.reason });
          continue;
        }
        const d = attribution.decision;
        const r = event.reward;
        this.sql.exec(`INSERT INTO seen_events (event_id, decision_id, received_at) VALUES (?, ?, ?)`, event.event_id, d.decision_id, receivedAt);
        this.sql.exec(
          `INSERT INTO arms (arm_id, combination_id, rewards, reward_sum, reward_sum_sq, reward_min, reward_max, created_at)
           VALUES (?, ?, 1, ?, ?, ?, ?, ?)
           ON CONFLICT (arm_id) DO UPDATE SET
             rewards = rewards + 1,
             reward_sum = reward_sum + excluded.reward_sum,
             reward_sum_sq = reward_sum_sq + excluded.reward_sum_sq,
             reward_min = min(coalesce(reward_min, excluded.reward_min), excluded.reward_min),
             reward_max = max(coalesce(reward_max, excluded.reward_max), excluded.reward_max)`,
          d.arm_id,
          d.combination_id,
          r,
          r * r,
          r,
          r,
          receivedAt,
        );
        this.sql.exec(
          `INSERT INTO outbox (payload) VALUES (?)`,
          JSON.stringify({
            type: "reward",
            event_id: event.event_id,
            experiment_id: a.experiment_id,
            decision_id: d.decision_id,
            unit_id: d.unit_id,
            combination_id: d.combination_id,
            arm_id: d.arm_id,
            reward: r,
            occurred_at: event.occurred_at ?? receivedAt,
            received_at: receivedAt,
          }),
        );
        applied.push({ armId: d.arm_id, combinationId: d.combination_id, reward: r });
        accepted += 1;
      }
    });
    for (const { armId, combinationId, reward } of applied) {
      const arm = this.armFor(armId, combinationId);
      arm.rewards += 1;
      arm.reward_sum += reward;
      arm.reward_sum_sq += reward * reward;
      arm.reward_min = arm.reward_min === null ? reward : Math.min(arm.reward_min, reward);
      arm.reward_max = arm.reward_max === null ? reward : Math.max(arm.reward_max, reward);
    }
    if (accepted > 0) await this.ensureAlarm();
    return { outcome: "recorded", accepted, duplicates, rejected };
  }

  /** Per-arm statistics, with mean and variance derived from the sufficient statistics. */
  async getArms(): Promise<ArmsResult> {
    const a = this.allocation;
    if (a === null) return { outcome: "experiment_not_found" };
    const arms = [...this.arms.values()].map((arm) => {
      const s = { n: arm.rewards, sum: arm.reward_sum, sumSq: arm.reward_sum_sq };
      return { ...arm, mean: meanOf(s), variance: varianceOf(s), in_allocation: a.combinationIds.has(arm.combination_id) };
    });
    return { outcome: "found", experiment_id: a.experiment_id, allocation_version: a.version, status: a.status, arms };
  }

  /** The outbox's delivery state (for operators and tests). */
  async getOutboxStatus(): Promise<OutboxStatus> {
    return { pending: this.pendingCount(), attempts: this.getAttempts(), alarm_at: await this.ctx.storage.getAlarm() };
  }

  // ---- outbox delivery -----------------------------------------------------------------------

  /**
   * Delivers up to OUTBOX_BATCH_SIZE outbox events, in seq order, to the control plane. On 2xx the
   * sent rows are deleted (and the alarm re-armed at once if more remain); on any failure they stay
   * and the alarm is re-armed with exponential backoff. Never throws, so the runtime's own limited
   * retries never give up on the outbox.
   */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const rows = this.sql.exec<{ seq: number; payload: string }>(`SELECT seq, payload FROM outbox ORDER BY seq LIMIT ?`, OUTBOX_BATCH_SIZE).toArray();
    const last = rows[rows.length - 1];
    if (last === undefined) {
      if (this.getAttempts() !== 0) this.setAttempts(0);
      return;
    }
    const failure = await this.deliver(rows);
    if (failure === null) {
      this.ctx.storage.transactionSync(() => {
        this.sql.exec(`DELETE FROM outbox WHERE seq <= ?`, last.seq);
        this.setAttempts(0);
      });
      if (this.pendingCount() > 0) await this.scheduleAlarm(Date.now());
      return;
    }
    const attempts = this.getAttempts() + 1;
    this.setAttempts(attempts);
    const delay = outboxBackoffMs(attempts);
    console.warn(`mvx edge: outbox delivery failed (${failure}); ${rows.length} events kept, attempt ${attempts}, retry in ${delay} ms`);
    await this.scheduleAlarm(Date.now() + delay);
  }

  /** POSTs one batch; null on success, else why it failed. */
  private async deliver(rows: { seq: number; payload: string }[]): Promise<string | null> {
    const resolution = resolveSecrets(this.env);
    if (!resolution.ok) return `missing secret ${resolution.missing.join(", ")}`;
    const events = rows.map(({ seq, payload }) => {
      const { type, ...rest } = JSON.parse(payload) as { type: string; experiment_id?: string };
      return { type, seq, ...rest };
    });
    const experimentId = this.allocation?.experiment_id ?? events[0]?.experiment_id ?? null;
    const body = JSON.stringify({ experiment_id: experimentId, events });
    const url = `${this.env.CONTROL_PLANE_URL.replace(/\/+$/, "")}/internal/edge-events`;
    try {
      const signature = await signPayload(resolution.secrets.sync, body, Date.now() / 1000);
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signature },
        body,
        signal: AbortSignal.timeout(OUTBOX_FETCH_TIMEOUT_MS),
      });
      await res.body?.cancel();
      return res.ok ? null : `HTTP ${res.status} from ${url}`;
    } catch (err) {
      return `${(err as Error).message ?? String(err)} (${url})`;
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  private loadCache(): void {
    const row = this.sql
      .exec<AllocationRow>(`SELECT experiment_id, version, status, hash_version, salt, combinations FROM allocation WHERE id = 1`)
      .toArray()[0];
    this.allocation =
      row === undefined
        ? null
        : loadAllocation({
            experiment_id: row.experiment_id,
            version: row.version,
            status: row.status as ExperimentStatus,
            hash_version: row.hash_version,
            salt: row.salt,
            combinations: JSON.parse(row.combinations) as Combination[],
          });
    this.arms.clear();
    for (const arm of this.sql.exec<ArmRow>(
      `SELECT arm_id, combination_id, decisions, rewards, reward_sum, reward_sum_sq, reward_min, reward_max FROM arms ORDER BY rowid`,
    )) {
      this.arms.set(arm.arm_id, { ...arm });
    }
  }

  /** The cached arm, created if the cache lacks it (its row was upserted in the same call). */
  private armFor(armId: string, combinationId: string): ArmState {
    let arm = this.arms.get(armId);
    if (arm === undefined) {
      arm = newArm(armId, combinationId);
      this.arms.set(armId, arm);
    }
    return arm;
  }

  private attribute(event: RewardEventInput): { decision: DecisionRow } | { reason: RewardRejection["reason"] } {
    if (event.decision_id !== undefined) {
      const decision = this.sql
        .exec<DecisionRow>(`SELECT decision_id, unit_id, combination_id, arm_id FROM decisions WHERE decision_id = ?`, event.decision_id)
        .toArray()[0];
      if (decision === undefined) return { reason: "decision_not_found" };
      if (event.unit_id !== undefined && event.unit_id !== decision.unit_id) return { reason: "decision_unit_mismatch" };
      return { decision };
    }
    if (event.unit_id !== undefined) {
      const decision = this.sql
        .exec<DecisionRow>(
          `SELECT decision_id, unit_id, combination_id, arm_id FROM decisions WHERE unit_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`,
          event.unit_id,
        )
        .toArray()[0];
      return decision === undefined ? { reason: "no_decision_for_unit" } : { decision };
    }
    return { reason: "missing_attribution" };
  }

  private pendingCount(): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM outbox`).one().n;
  }

  private getAttempts(): number {
    const row = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'outbox_attempts'`).toArray()[0];
    return row === undefined ? 0 : Number(row.value);
  }

  private setAttempts(attempts: number): void {
    this.sql.exec(
      `INSERT INTO meta (key, value) VALUES ('outbox_attempts', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      String(attempts),
    );
  }

  /** Arms the flush alarm unless one is already set (a pending backoff is left alone). */
  private async ensureAlarm(): Promise<void> {
    if (this.alarmAt !== null) return;
    await this.scheduleAlarm(Date.now() + this.flushDelayMs());
  }

  private flushDelayMs(): number {
    const configured = this.env.MVX_OUTBOX_FLUSH_DELAY_MS;
    const ms = configured === undefined || configured === "" ? NaN : Number(configured);
    return Number.isFinite(ms) && ms >= 0 ? ms : OUTBOX_FLUSH_DELAY_MS;
  }

  private async scheduleAlarm(at: number): Promise<void> {
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }
}
