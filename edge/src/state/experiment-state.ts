// ExperimentState: the Durable Object that holds one experiment's edge state in SQLite — the
// allocation last pushed by the control plane, arm sufficient statistics, the decision log, the
// reward dedupe set and the outbox of decision/reward events bound for the control plane — and
// answers assignments from that state alone. The worker calls its typed RPC methods; every write
// is persisted first (one transactionSync per call) and only then mirrored in the memory cache.
//
// Bandits (docs/sync-protocol.md, "Bandits"): with a `bandit` in the allocation, decisions come
// from the core policy of the pushed configuration (built once per allocation, ./bandit.ts), with
// an rng seeded from the decision_id (so `replayDecision` reproduces a decision). The object keeps
// each arm's statistics twice: live (every reward applied) and published (what the policy sees).
// update_frequency = 0 publishes after every reward; otherwise pending rewards (live - published)
// are folded in by the first assignment at least update_frequency seconds after the last
// publication (for ThompsonSampling every decision still samples, from the published posterior).
// A drift detection resets the arm (live and published at once) and is logged. A sharded
// experiment's base object (`<id>`) only routes; the shards (`<id>#<k>`) serve, and each merges
// its peers' statistics (fetched in the background at most every SHARD_MERGE_INTERVAL_MS, or
// update_frequency if longer; held in memory only) into what its policy sees.

import { DurableObject } from "cloudflare:workers";
import { InvalidArgumentError, SIGNATURE_HEADER, chooseBucket, createRng, hashToUnit, meanOf, signPayload, varianceOf } from "@mvx/core/edge";
import { resolveSecrets, type Env } from "../env.js";
import type { AllocationInput, AssignInput, BanditInput, Combination, ExperimentStatus, JsonValue, NetworkInput, RewardEventInput } from "../schemas.js";
import {
  applyBanditReward,
  contextVector,
  decideBandit,
  fitArmState,
  initialArmState,
  loadBandit,
  policyStateOf,
  shardContribution,
  withPeers,
  type ArmExtraState,
  type BanditArmRecord,
  type DriftDetection,
  type LoadedBandit,
  type PolicyState,
  type ShardBanditStats,
} from "./bandit.js";
import { shardName } from "../app-env.js";
import { applyMigrations } from "./schema.js";
import type {
  ApplyAllocationResult,
  ArmsResult,
  AssignResult,
  BanditArmView,
  DriftEventView,
  NotAssignedReason,
  OutboxStatus,
  RecordRewardsResult,
  RewardRejection,
  ShardRouting,
} from "./types.js";

/** Shortest interval between two fetches of the peer shards' bandit statistics. */
export const SHARD_MERGE_INTERVAL_MS = 10_000;
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

/** The pushed network without its nodes (those live in `network_nodes`). */
interface StoredNetwork {
  graph_id: string;
  treatments: string[];
  /** Per treatment index: the share of clusters given that treatment (the cluster-level assignment probability). */
  probabilities: number[];
  node_count: number;
  fallback: "hash";
}

function storedNetworkOf(network: NetworkInput): StoredNetwork {
  // With nodes randomised on their own (two-stage designs) the probability is the share of nodes.
  const nodeLevel = network.nodes.some((n) => n[2] !== undefined);
  let probabilities: number[];
  if (nodeLevel) {
    const treatmentOf = new Map(network.clusters.map((c) => [c.cluster_id, c.treatment]));
    const counts = new Map<string, number>();
    for (const [, cluster, own] of network.nodes) {
      const t = own ?? treatmentOf.get(cluster)!;
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    probabilities = network.treatments.map((t) => (counts.get(t) ?? 0) / network.nodes.length);
  } else {
    probabilities = network.treatments.map((t) => network.clusters.filter((c) => c.treatment === t).length / network.clusters.length);
  }
  return {
    graph_id: network.graph_id,
    treatments: network.treatments,
    probabilities,
    node_count: network.nodes.length,
    fallback: network.fallback,
  };
}

interface LoadedAllocation {
  network: StoredNetwork | null;
  experiment_id: string;
  version: number;
  status: ExperimentStatus;
  hash_version: number;
  salt: string;
  combinations: Combination[];
  bandit: BanditInput | null;
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
  bandit: string | null;
  network: string | null;
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

type DecisionRow = { decision_id: string; unit_id: string; combination_id: string; arm_id: string; context_vector: string | null };

type BanditArmRow = {
  arm_id: string;
  n: number;
  sum: number;
  sum_sq: number;
  state: string;
  pub_n: number;
  pub_sum: number;
  pub_sum_sq: number;
  pub_state: string;
  drifts: number;
  last_drift_at: string | null;
};

/** What a decision is, before it is persisted (shared by assign and replayDecision). */
interface MadeDecision {
  combination: Combination;
  armId: string;
  probability: number;
  algorithm: string | null;
  armProbabilities: Record<string, number> | null;
  contextVector: number[] | null;
  /** Set when the allocation holds a network: how the unit was assigned (and its cluster). */
  assignment: "cluster" | "hash" | "bandit" | null;
  clusterId: string | null;
}

const DECISION_COLUMNS = `decision_id, unit_id, combination_id, arm_id, context_vector`;

function loadAllocation(a: Omit<LoadedAllocation, "weights" | "combinationIds">): LoadedAllocation {
  return {
    ...a,
    weights: a.combinations.map((c) => c.traffic_allocation),
    combinationIds: new Set([...a.combinations.map((c) => c.combination_id), ...(a.bandit?.arms.map((arm) => arm.combination_id) ?? [])]),
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
  /** The bandit of the allocation in force, its policy built; null without a bandit. */
  private bandit: LoadedBandit | null = null;
  /** Per bandit arm (in the configuration's order): every reward applied. */
  private banditLive: BanditArmRecord[] = [];
  /** Per bandit arm: what the policy sees. */
  private banditPublished: BanditArmRecord[] = [];
  /** The policy state built from banditPublished (rebuilt lazily after a change). */
  private banditPolicyState: PolicyState | null = null;
  /** When banditPublished was last refreshed (ms). */
  private publishedAt = 0;
  /** k when this object is shard `<id>#<k>`; null for an experiment's base object. */
  private shardIndex: number | null = null;
  /** The most shards this experiment was ever pushed with (pushes reach all of them). */
  private maxShards = 1;
  /** The peer shards' own statistics, last fetched (memory only; refetched after a restart). */
  private peerStats: ShardBanditStats[] = [];
  /** When the peers' statistics were last asked for (ms). */
  private peersFetchedAt = 0;
  private peerRefresh: Promise<unknown> | null = null;

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

  /**
   * Applies an allocation push when its version is newer than the one held (docs/sync-protocol.md).
   * `shardIndex` is given when the worker fans a sharded push out to shard `<id>#<k>`.
   */
  async applyAllocation(input: AllocationInput, shardIndex: number | null = null): Promise<ApplyAllocationResult> {
    const held = this.allocation?.version ?? null;
    const maxShards = Math.max(this.maxShards, input.bandit?.shards ?? 1);
    const fanOut = shardIndex === null && maxShards > 1 ? maxShards : 0;
    if (held !== null && input.version <= held) return { applied: false, version: held, fan_out: fanOut };
    const now = new Date().toISOString();
    const added: ArmState[] = [];
    const bandit = input.bandit ?? null;
    const network = input.network === undefined ? null : storedNetworkOf(input.network);
    // Compared with the last bandit ever applied, so a push without a bandit in between keeps the statistics.
    const configChanged = bandit !== null && bandit.bandit_config_id !== this.getMeta("bandit_config_id");
    const loaded = bandit === null ? null : loadBandit(bandit);
    const armPairs = [
      ...input.combinations.map((c) => [c.combination_id, c.combination_id] as const),
      ...(bandit?.arms.map((arm) => [arm.arm_id, arm.combination_id] as const) ?? []),
    ];
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT OR REPLACE INTO allocation (id, experiment_id, version, status, hash_version, salt, combinations, issued_at, applied_at, bandit, network)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        input.experiment_id,
        input.version,
        input.status,
        input.hash_version,
        input.salt,
        JSON.stringify(input.combinations),
        input.issued_at ?? null,
        now,
        bandit === null ? null : JSON.stringify(bandit),
        network === null ? null : JSON.stringify(network),
      );
      // The node map is replaced as a whole with every applied push (empty without a network).
      this.sql.exec(`DELETE FROM network_nodes`);
      if (input.network !== undefined && network !== null) {
        const index = new Map(network.treatments.map((t, i) => [t, i]));
        const treatmentOf = new Map(input.network.clusters.map((c) => [c.cluster_id, index.get(c.treatment)!]));
        for (const [nodeId, clusterId, own] of input.network.nodes) {
          const treatment = own === undefined ? treatmentOf.get(clusterId)! : index.get(own)!;
          this.sql.exec(`INSERT INTO network_nodes (node_id, cluster_id, treatment) VALUES (?, ?, ?)`, nodeId, clusterId, treatment);
        }
      }
      const seen = new Set<string>();
      for (const [armId, combinationId] of armPairs) {
        if (this.arms.has(armId) || seen.has(armId)) continue;
        seen.add(armId);
        this.sql.exec(`INSERT INTO arms (arm_id, combination_id, created_at) VALUES (?, ?, ?) ON CONFLICT (arm_id) DO NOTHING`, armId, combinationId, now);
        added.push(newArm(armId, combinationId));
      }
      if (loaded !== null) {
        // A new bandit configuration starts from its priors; an updated one keeps its statistics.
        if (configChanged) {
          this.sql.exec(`DELETE FROM bandit_arms`);
          this.setMeta("bandit_config_id", loaded.config.bandit_config_id);
        }
        for (const arm of loaded.config.arms) {
          const state = JSON.stringify(initialArmState(loaded, arm.arm_id));
          this.sql.exec(`INSERT INTO bandit_arms (arm_id, state, pub_state) VALUES (?, ?, ?) ON CONFLICT (arm_id) DO NOTHING`, arm.arm_id, state, state);
        }
        if (configChanged || this.getMeta("bandit_published_at") === null) this.setMeta("bandit_published_at", String(Date.now()));
      }
      if (maxShards !== this.maxShards) this.setMeta("max_shards", String(maxShards));
      if (shardIndex !== null) this.setMeta("shard_index", String(shardIndex));
    });
    if (shardIndex !== null) this.shardIndex = shardIndex;
    this.maxShards = maxShards;
    this.allocation = loadAllocation({
      experiment_id: input.experiment_id,
      version: input.version,
      status: input.status,
      hash_version: input.hash_version,
      salt: input.salt,
      combinations: input.combinations,
      bandit,
      network,
    });
    for (const arm of added) this.arms.set(arm.arm_id, arm);
    this.loadBanditCache();
    return { applied: true, version: input.version, fan_out: fanOut };
  }

  /**
   * Assigns a unit: with a bandit, the policy's decision (rng seeded from the decision_id); else
   * u = hashToUnit(salt, unit_id, hash_version), bucketed by the traffic weights. Logs the
   * decision, counts it on its arm and appends it to the outbox in one transaction.
   */
  async assign(input: AssignInput): Promise<AssignResult> {
    const a = this.allocation;
    if (a === null) return { outcome: "experiment_not_found" };
    const early = this.notServing(a, input);
    if (early !== null) return early;
    this.maybePublish();
    this.maybeRefreshPeers();
    const decisionId = crypto.randomUUID();
    const made = this.makeDecision(a, input, decisionId);
    if ("outcome" in made) return made;
    const { combination, armId, probability, algorithm } = made;
    const networkFields = made.assignment === null ? {} : { assignment: made.assignment, ...(made.clusterId === null ? {} : { cluster_id: made.clusterId }) };
    const decidedAt = new Date().toISOString();
    const payload = JSON.stringify({
      type: "decision",
      decision_id: decisionId,
      experiment_id: a.experiment_id,
      unit_id: input.unit_id,
      combination_id: combination.combination_id,
      arm_id: armId,
      variable_values: combination.variable_values,
      probability,
      algorithm,
      ...(made.armProbabilities === null ? {} : { arm_probabilities: made.armProbabilities }),
      ...networkFields,
      allocation_version: a.version,
      context: input.context ?? null,
      decided_at: decidedAt,
    });
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT INTO decisions (decision_id, unit_id, combination_id, arm_id, probability, allocation_version, created_at, algorithm, context_vector)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        decisionId,
        input.unit_id,
        combination.combination_id,
        armId,
        probability,
        a.version,
        decidedAt,
        algorithm,
        made.contextVector === null ? null : JSON.stringify(made.contextVector),
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
        probability,
        algorithm,
        allocation_version: a.version,
        ...networkFields,
      },
    };
  }

  /**
   * The decision `decision_id` gets from the state held now, without logging anything: replays a
   * logged decision while the policy's published statistics are unchanged (operators, tests).
   */
  async replayDecision(input: AssignInput, decisionId: string): Promise<AssignResult> {
    const a = this.allocation;
    if (a === null) return { outcome: "experiment_not_found" };
    const early = this.notServing(a, input);
    if (early !== null) return early;
    const made = this.makeDecision(a, input, decisionId);
    if ("outcome" in made) return made;
    return {
      outcome: "assigned",
      decision: {
        assigned: true,
        decision_id: decisionId,
        experiment_id: a.experiment_id,
        unit_id: input.unit_id,
        combination_id: made.combination.combination_id,
        variable_values: made.combination.variable_values,
        arm_id: made.armId,
        probability: made.probability,
        algorithm: made.algorithm,
        allocation_version: a.version,
        ...(made.assignment === null ? {} : { assignment: made.assignment, ...(made.clusterId === null ? {} : { cluster_id: made.clusterId }) }),
      },
    };
  }

  /** This shard's own bandit statistics, for its peers (null without a bandit). */
  async banditShardStats(): Promise<ShardBanditStats | null> {
    return this.bandit === null ? null : shardContribution(this.bandit, this.banditLive);
  }

  /**
   * Fetches every peer shard's own statistics and merges them into what this shard's policy sees
   * (assign starts it in the background when due; callable directly by operators and tests).
   */
  async refreshShardPeers(): Promise<{ peers: number }> {
    const a = this.allocation;
    const b = this.bandit;
    const k = this.shardIndex;
    if (a === null || b === null || k === null || b.config.shards <= 1) return { peers: 0 };
    this.peersFetchedAt = Date.now();
    const others = Array.from({ length: b.config.shards }, (_, j) => j).filter((j) => j !== k);
    const answers = await Promise.all(
      others.map((j) => this.env.EXPERIMENTS.get(this.env.EXPERIMENTS.idFromName(shardName(a.experiment_id, j))).banditShardStats()),
    );
    if (this.bandit !== b) return { peers: 0 }; // a new allocation arrived meanwhile
    const peers: ShardBanditStats[] = [];
    for (const answer of answers) if (answer !== null && answer.bandit_config_id === b.config.bandit_config_id) peers.push(answer);
    this.peerStats = peers;
    this.banditPolicyState = null;
    return { peers: this.peerStats.length };
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
    const routing = this.routing();
    if (routing !== null) return { outcome: "route", routing };
    const receivedAt = new Date().toISOString();
    const acceptedIds: string[] = [];
    const duplicateIds: string[] = [];
    const rejected: RewardRejection[] = [];
    const applied: { armId: string; combinationId: string; reward: number }[] = [];
    const b = this.bandit;
    const live = [...this.banditLive];
    const published = [...this.banditPublished];
    let banditChanged = false;
    this.ctx.storage.transactionSync(() => {
      for (const event of events) {
        const seen = this.sql.exec(`SELECT 1 AS one FROM seen_events WHERE event_id = ?`, event.event_id).toArray();
        if (seen.length > 0) {
          duplicateIds.push(event.event_id);
          continue;
        }
        const attribution = this.attribute(event);
        if ("reason" in attribution) {
          rejected.push({ event_id: event.event_id, reason: attribution.reason });
          continue;
        }
        const d = attribution.decision;
        const r = event.reward;
        // The bandit arm's step first: a reward it cannot take is rejected before anything is written.
        // A contextual model learns only from decisions whose x has its dimension (made under it).
        const index = b?.armIndex.get(d.arm_id);
        const x = d.context_vector === null ? null : (JSON.parse(d.context_vector) as number[]);
        let step: { record: BanditArmRecord; drift: DriftDetection | null } | null = null;
        if (b && index !== undefined && (b.d === null || x?.length === b.d)) {
          try {
            step = applyBanditReward(b, live[index]!, r, x);
          } catch (err) {
            if (!(err instanceof InvalidArgumentError)) throw err;
            rejected.push({ event_id: event.event_id, reason: "invalid_reward" });
            continue;
          }
        }
        if (b && index !== undefined && step !== null) {
          live[index] = step.record;
          banditChanged = true;
          const publishNow = b.config.update_frequency === 0 || step.drift !== null;
          if (publishNow) published[index] = step.record;
          this.persistBanditArm(step.record, publishNow);
          if (step.drift !== null) this.logDrift(a.experiment_id, d.arm_id, step.drift, receivedAt);
        }
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
        acceptedIds.push(event.event_id);
      }
    });
    if (banditChanged) {
      this.banditLive = live;
      this.banditPublished = published;
      this.banditPolicyState = null;
    }
    for (const { armId, combinationId, reward } of applied) {
      const arm = this.armFor(armId, combinationId);
      arm.rewards += 1;
      arm.reward_sum += reward;
      arm.reward_sum_sq += reward * reward;
      arm.reward_min = arm.reward_min === null ? reward : Math.min(arm.reward_min, reward);
      arm.reward_max = arm.reward_max === null ? reward : Math.max(arm.reward_max, reward);
    }
    if (acceptedIds.length > 0) await this.ensureAlarm();
    return {
      outcome: "recorded",
      accepted: acceptedIds.length,
      duplicates: duplicateIds.length,
      rejected,
      accepted_ids: acceptedIds,
      duplicate_ids: duplicateIds,
    };
  }

  /** Per-arm statistics, with mean and variance derived from the sufficient statistics. */
  async getArms(): Promise<ArmsResult> {
    const a = this.allocation;
    if (a === null) return { outcome: "experiment_not_found" };
    const banditArms = new Map<string, BanditArmView>();
    for (const row of this.sql.exec<BanditArmRow>(`SELECT * FROM bandit_arms`)) {
      banditArms.set(row.arm_id, { n: row.n, sum: row.sum, sum_sq: row.sum_sq, published_n: row.pub_n, drifts: row.drifts, last_drift_at: row.last_drift_at });
    }
    const arms = [...this.arms.values()].map((arm) => {
      const s = { n: arm.rewards, sum: arm.reward_sum, sumSq: arm.reward_sum_sq };
      const inAllocation = a.combinationIds.has(arm.combination_id) || (this.bandit?.armIndex.has(arm.arm_id) ?? false);
      return { ...arm, mean: meanOf(s), variance: varianceOf(s), in_allocation: inAllocation, bandit: banditArms.get(arm.arm_id) ?? null };
    });
    const drift_events: DriftEventView[] = this.sql
      .exec<{ arm_id: string; detector: string; statistic: number; detected_at: string }>(`SELECT arm_id, detector, statistic, detected_at FROM drift_events ORDER BY id DESC LIMIT 100`)
      .toArray()
      .reverse();
    const b = a.bandit;
    return {
      outcome: "found",
      experiment_id: a.experiment_id,
      allocation_version: a.version,
      status: a.status,
      arms,
      bandit:
        b === null
          ? null
          : {
              bandit_config_id: b.bandit_config_id,
              algorithm: b.algorithm,
              update_frequency: b.update_frequency,
              published_at: new Date(this.publishedAt).toISOString(),
              shards: b.shards,
            },
      drift_events,
      routing: this.routing(),
    };
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
      .exec<AllocationRow>(`SELECT experiment_id, version, status, hash_version, salt, combinations, bandit, network FROM allocation WHERE id = 1`)
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
            bandit: row.bandit === null ? null : (JSON.parse(row.bandit) as BanditInput),
            network: row.network === null ? null : (JSON.parse(row.network) as StoredNetwork),
          });
    this.arms.clear();
    for (const arm of this.sql.exec<ArmRow>(
      `SELECT arm_id, combination_id, decisions, rewards, reward_sum, reward_sum_sq, reward_min, reward_max FROM arms ORDER BY rowid`,
    )) {
      this.arms.set(arm.arm_id, { ...arm });
    }
    const shard = this.getMeta("shard_index");
    this.shardIndex = shard === null ? null : Number(shard);
    this.maxShards = Number(this.getMeta("max_shards") ?? 1);
    this.loadBanditCache();
  }

  /** Rebuilds the bandit's policy and arm records from storage (after a load or a push). */
  private loadBanditCache(): void {
    const config = this.allocation?.bandit ?? null;
    this.banditPolicyState = null;
    this.peerStats = [];
    this.peersFetchedAt = 0;
    if (config === null) {
      this.bandit = null;
      this.banditLive = [];
      this.banditPublished = [];
      return;
    }
    const b = loadBandit(config);
    const rows = new Map(this.sql.exec<BanditArmRow>(`SELECT * FROM bandit_arms`).toArray().map((r) => [r.arm_id, r]));
    const record = (arm_id: string, n: number, sum: number, sum_sq: number, state: string): BanditArmRecord => ({
      arm_id,
      n,
      sum,
      sum_sq,
      state: fitArmState(b, arm_id, JSON.parse(state) as ArmExtraState),
    });
    this.bandit = b;
    this.banditLive = config.arms.map((arm) => {
      const r = rows.get(arm.arm_id);
      return r === undefined ? record(arm.arm_id, 0, 0, 0, "{}") : record(arm.arm_id, r.n, r.sum, r.sum_sq, r.state);
    });
    this.banditPublished = config.arms.map((arm) => {
      const r = rows.get(arm.arm_id);
      return r === undefined ? record(arm.arm_id, 0, 0, 0, "{}") : record(arm.arm_id, r.pub_n, r.pub_sum, r.pub_sum_sq, r.pub_state);
    });
    this.publishedAt = Number(this.getMeta("bandit_published_at") ?? Date.now());
  }

  /** The routing of a sharded experiment when this is its base object, else null. */
  private routing(): ShardRouting | null {
    const a = this.allocation;
    if (a === null || this.shardIndex !== null || a.bandit === null || a.bandit.shards <= 1) return null;
    return { shards: a.bandit.shards, salt: a.salt, hash_version: a.hash_version };
  }

  /** The answer when the object does not serve the unit itself: not running, or sharded. */
  private notServing(a: LoadedAllocation, input: AssignInput): AssignResult | null {
    if (a.status !== "Running") {
      return {
        outcome: "not_assigned",
        answer: { assigned: false, experiment_id: a.experiment_id, unit_id: input.unit_id, status: a.status, reason: NOT_RUNNING_REASON[a.status] },
      };
    }
    const routing = this.routing();
    return routing === null ? null : { outcome: "route", routing };
  }

  /** The decision of `decisionId` from the state in memory: the bandit's, else the hash bucket's. */
  private makeDecision(a: LoadedAllocation, input: AssignInput, decisionId: string): MadeDecision | Extract<AssignResult, { outcome: "invalid_context" }> {
    const network = a.network;
    if (network !== null) {
      const node = this.sql.exec<{ cluster_id: string; treatment: number }>(`SELECT cluster_id, treatment FROM network_nodes WHERE node_id = ?`, input.unit_id).toArray()[0];
      if (node !== undefined) {
        const name = network.treatments[node.treatment]!;
        const probability = network.probabilities[node.treatment]!;
        const combination: Combination = { combination_id: name, variable_values: { treatment: name }, traffic_allocation: probability };
        return { combination, armId: name, probability, algorithm: null, armProbabilities: null, contextVector: null, assignment: "cluster", clusterId: node.cluster_id };
      }
    }
    const b = this.bandit;
    if (b === null) {
      const u = hashToUnit(a.salt, input.unit_id, a.hash_version);
      const combination = a.combinations[chooseBucket(u, a.weights)];
      if (combination === undefined) throw new Error("allocation has no combination to assign");
      const armId = combination.combination_id;
      return {
        combination,
        armId,
        probability: combination.traffic_allocation,
        algorithm: null,
        armProbabilities: null,
        contextVector: null,
        assignment: network === null ? null : "hash",
        clusterId: null,
      };
    }
    let x: number[] | null;
    try {
      x = contextVector(b, input.context);
    } catch (err) {
      if (!(err instanceof InvalidArgumentError)) throw err;
      return { outcome: "invalid_context", path: err.path ?? "context", message: err.message };
    }
    this.banditPolicyState ??= withPeers(b, policyStateOf(b, this.banditPublished), this.peerStats);
    const choice = decideBandit(b, this.banditPolicyState, input.context, createRng(decisionId));
    const arm = b.config.arms[choice.arm_index]!;
    const armProbabilities = Object.fromEntries(b.config.arms.map((arm, i) => [arm.arm_id, choice.probabilities[i]!]));
    const combination: Combination = { combination_id: arm.combination_id, variable_values: arm.variable_values as Record<string, JsonValue>, traffic_allocation: choice.probability };
    return {
      combination,
      armId: arm.arm_id,
      probability: choice.probability,
      algorithm: b.config.algorithm,
      armProbabilities,
      contextVector: x,
      assignment: network === null ? null : "bandit",
      clusterId: null,
    };
  }

  /** Starts a background fetch of the peer shards' statistics when one is due (shards only). */
  private maybeRefreshPeers(): void {
    const b = this.bandit;
    if (b === null || this.shardIndex === null || b.config.shards <= 1 || this.peerRefresh !== null) return;
    if (Date.now() - this.peersFetchedAt < Math.max(SHARD_MERGE_INTERVAL_MS, b.config.update_frequency * 1000)) return;
    this.peersFetchedAt = Date.now();
    this.peerRefresh = this.refreshShardPeers()
      .catch((err: unknown) => console.warn(`mvx edge: fetching peer shard statistics failed: ${(err as Error).message ?? String(err)}`))
      .finally(() => {
        this.peerRefresh = null;
      });
  }

  /** Publishes pending bandit statistics when update_frequency seconds have passed since the last time. */
  private maybePublish(): void {
    const b = this.bandit;
    if (b === null || b.config.update_frequency === 0) return;
    const now = Date.now();
    if (now - this.publishedAt >= b.config.update_frequency * 1000) this.publish(now);
  }

  /** Copies live bandit statistics to published (persisted first, then the cache). */
  private publish(now: number): void {
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(`UPDATE bandit_arms SET pub_n = n, pub_sum = sum, pub_sum_sq = sum_sq, pub_state = state`);
      this.setMeta("bandit_published_at", String(now));
    });
    this.banditPublished = [...this.banditLive];
    this.banditPolicyState = null;
    this.publishedAt = now;
  }

  /** Writes one bandit arm's live statistics (and published ones when `publish`). */
  private persistBanditArm(record: BanditArmRecord, publish: boolean): void {
    const state = JSON.stringify(record.state);
    if (publish) {
      this.sql.exec(
        `UPDATE bandit_arms SET n = ?, sum = ?, sum_sq = ?, state = ?, pub_n = ?, pub_sum = ?, pub_sum_sq = ?, pub_state = ? WHERE arm_id = ?`,
        record.n,
        record.sum,
        record.sum_sq,
        state,
        record.n,
        record.sum,
        record.sum_sq,
        state,
        record.arm_id,
      );
    } else {
      this.sql.exec(`UPDATE bandit_arms SET n = ?, sum = ?, sum_sq = ?, state = ? WHERE arm_id = ?`, record.n, record.sum, record.sum_sq, state, record.arm_id);
    }
  }

  /** Records a detected change: the arm's drift count, a drift_events row and a drift outbox event. */
  private logDrift(experimentId: string, armId: string, drift: DriftDetection, detectedAt: string): void {
    this.sql.exec(`UPDATE bandit_arms SET drifts = drifts + 1, last_drift_at = ? WHERE arm_id = ?`, detectedAt, armId);
    this.sql.exec(`INSERT INTO drift_events (arm_id, detector, statistic, detected_at) VALUES (?, ?, ?, ?)`, armId, drift.detector, drift.statistic, detectedAt);
    this.sql.exec(
      `INSERT INTO outbox (payload) VALUES (?)`,
      JSON.stringify({ type: "drift", experiment_id: experimentId, arm_id: armId, detector: drift.detector, statistic: drift.statistic, detected_at: detectedAt }),
    );
  }

  private getMeta(key: string): string | null {
    const row = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0];
    return row === undefined ? null : row.value;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value);
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
        .exec<DecisionRow>(`SELECT ${DECISION_COLUMNS} FROM decisions WHERE decision_id = ?`, event.decision_id)
        .toArray()[0];
      if (decision === undefined) return { reason: "decision_not_found" };
      if (event.unit_id !== undefined && event.unit_id !== decision.unit_id) return { reason: "decision_unit_mismatch" };
      return { decision };
    }
    if (event.unit_id !== undefined) {
      const decision = this.sql
        .exec<DecisionRow>(
          `SELECT ${DECISION_COLUMNS} FROM decisions WHERE unit_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`,
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
