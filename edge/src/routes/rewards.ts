// POST /v1/rewards (signed with MVX_WEBHOOK_SECRET): one event or {events: [...]}, grouped by
// experiment, each group recorded by its experiment's Durable Object in one transaction.

import { Hono } from "hono";
import { cachedRouting, experimentStub, rememberRouting, shardOf, shardStub, type AppEnv } from "../app-env.js";
import { ApiError } from "../http/errors.js";
import { BODY_LIMITS, limitBody, parseJson, readSignedBody, validate } from "../http/request.js";
import { rewardBatchSchema, rewardEventSchema, type RewardEventInput } from "../schemas.js";
import type { Env } from "../env.js";
import type { RecordRewardsResult, RewardRejection, ShardRouting } from "../state/types.js";

export const rewardRoutes = new Hono<AppEnv>();

interface RewardsSummary {
  accepted: number;
  duplicates: number;
  rejected: RewardRejection[];
}

type Recorded = Extract<RecordRewardsResult, { outcome: "recorded" }>;

/**
 * Records one sharded experiment's events: an event with a unit_id goes to the unit's shard; one
 * with only a decision_id goes to every shard (only the shard holding the decision attributes it;
 * the others reject it without marking it seen).
 */
async function recordSharded(env: Env, experimentId: string, routing: ShardRouting, events: RewardEventInput[]): Promise<Recorded> {
  const byShard = new Map<number, RewardEventInput[]>();
  const everywhere: RewardEventInput[] = [];
  for (const event of events) {
    if (event.unit_id === undefined) {
      everywhere.push(event);
      continue;
    }
    const k = shardOf(routing, event.unit_id);
    const group = byShard.get(k);
    if (group) group.push(event);
    else byShard.set(k, [event]);
  }
  const calls = Array.from({ length: routing.shards }, (_, k) => [...(byShard.get(k) ?? []), ...everywhere]);
  const results = await Promise.all(
    calls.map(async (group, k) => (group.length === 0 ? null : await shardStub(env, experimentId, k).recordRewards(group))),
  );
  const accepted = new Set<string>();
  const duplicates = new Set<string>();
  const reasons = new Map<string, RewardRejection["reason"]>();
  for (const result of results) {
    if (result === null) continue;
    if (result.outcome !== "recorded") throw new Error(`a shard of ${experimentId} answered ${result.outcome}`);
    for (const id of result.accepted_ids) accepted.add(id);
    for (const id of result.duplicate_ids) duplicates.add(id);
    for (const r of result.rejected) if (!reasons.has(r.event_id) || r.reason !== "decision_not_found") reasons.set(r.event_id, r.reason);
  }
  const rejected: RewardRejection[] = [];
  const done = new Set<string>();
  for (const event of events) {
    if (done.has(event.event_id) || accepted.has(event.event_id) || duplicates.has(event.event_id)) continue;
    done.add(event.event_id);
    rejected.push({ event_id: event.event_id, reason: reasons.get(event.event_id) ?? "decision_not_found" });
  }
  return { outcome: "recorded", accepted: accepted.size, duplicates: duplicates.size, rejected, accepted_ids: [...accepted], duplicate_ids: [...duplicates] };
}

/** Records one experiment's events at its object, or at its shards when it is sharded. */
async function recordExperiment(env: Env, experimentId: string, events: RewardEventInput[]): Promise<RecordRewardsResult> {
  const cached = cachedRouting(experimentId);
  if (cached !== null) return recordSharded(env, experimentId, cached, events);
  const result = await experimentStub(env, experimentId).recordRewards(events);
  if (result.outcome !== "route") return result;
  rememberRouting(experimentId, result.routing);
  return recordSharded(env, experimentId, result.routing, events);
}

/** Records a batch that may span experiments: one RPC per experiment, in parallel. */
async function recordAll(env: Env, events: RewardEventInput[]): Promise<RewardsSummary> {
  const groups = new Map<string, RewardEventInput[]>();
  for (const event of events) {
    const group = groups.get(event.experiment_id);
    if (group) group.push(event);
    else groups.set(event.experiment_id, [event]);
  }
  const results = await Promise.all(
    [...groups].map(async ([experimentId, group]) => ({ group, result: await recordExperiment(env, experimentId, group) })),
  );
  const summary: RewardsSummary = { accepted: 0, duplicates: 0, rejected: [] };
  for (const { group, result } of results) {
    if (result.outcome !== "recorded") {
      for (const event of group) summary.rejected.push({ event_id: event.event_id, reason: "experiment_not_found" });
      continue;
    }
    summary.accepted += result.accepted;
    summary.duplicates += result.duplicates;
    summary.rejected.push(...result.rejected);
  }
  return summary;
}

const REJECTION_MESSAGES: Record<RewardRejection["reason"], string> = {
  experiment_not_found: "the experiment has no allocation at the edge",
  decision_not_found: "no decision with this decision_id in this experiment",
  decision_unit_mismatch: "the decision was served to a different unit_id",
  no_decision_for_unit: "no decision was served to this unit_id in this experiment",
  missing_attribution: "a reward needs a decision_id or a unit_id",
  invalid_reward: "the experiment's bandit cannot take this reward (a binary reward must be in [0, 1])",
};

rewardRoutes.post("/v1/rewards", limitBody(BODY_LIMITS.rewards), async (c) => {
  const body = parseJson(await readSignedBody(c, [c.var.secrets.webhook]));
  if (typeof body === "object" && body !== null && !Array.isArray(body) && "events" in body) {
    const { events } = validate(rewardBatchSchema, body);
    return c.json(await recordAll(c.env, events), 202);
  }
  const event = validate(rewardEventSchema, body);
  const summary = await recordAll(c.env, [event]);
  const rejection = summary.rejected[0];
  if (rejection !== undefined) {
    const status = rejection.reason === "experiment_not_found" ? 404 : 422;
    const path =
      rejection.reason === "experiment_not_found"
        ? "experiment_id"
        : rejection.reason === "no_decision_for_unit"
          ? "unit_id"
          : rejection.reason === "invalid_reward"
            ? "reward"
            : "decision_id";
    throw new ApiError(status, rejection.reason, `reward event ${event.event_id} rejected: ${REJECTION_MESSAGES[rejection.reason]}`, [
      { path, message: REJECTION_MESSAGES[rejection.reason] },
    ]);
  }
  return c.json(summary, 202);
});
