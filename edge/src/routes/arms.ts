// GET /v1/experiments/:id/arms (signed with MVX_WEBHOOK_SECRET or MVX_SYNC_SECRET; the empty body
// signs "<t>."): per-arm statistics as the experiment's Durable Object holds them. For a sharded
// experiment the statistics of the base object and of every shard are merged on read (they are
// additive: core's mergeArmStats), and drift events are listed with their shard.

import { meanOf, mergeArmStats, varianceOf } from "@mvx/core/edge";
import { Hono } from "hono";
import { experimentStub, shardStub, type AppEnv } from "../app-env.js";
import { ApiError } from "../http/errors.js";
import { readSignedBody, validate } from "../http/request.js";
import { experimentIdParam } from "../schemas.js";
import type { ArmView, ArmsResult, BanditArmView } from "../state/types.js";

export const armRoutes = new Hono<AppEnv>();

type Found = Extract<ArmsResult, { outcome: "found" }>;

function mergeBandit(a: BanditArmView | null, b: BanditArmView | null): BanditArmView | null {
  if (a === null || b === null) return a ?? b;
  const live = mergeArmStats({ arm_id: "", n: a.n, sum: a.sum, sum_sq: a.sum_sq }, { arm_id: "", n: b.n, sum: b.sum, sum_sq: b.sum_sq });
  const lastDrift = [a.last_drift_at, b.last_drift_at].filter((t): t is string => t !== null).sort().at(-1) ?? null;
  return { n: live.n, sum: live.sum, sum_sq: live.sum_sq, published_n: a.published_n + b.published_n, drifts: a.drifts + b.drifts, last_drift_at: lastDrift };
}

/** One arm's statistics over several objects (counts and sums add; min/max combine). */
function mergeArm(a: ArmView, b: ArmView): ArmView {
  const s = mergeArmStats({ arm_id: a.arm_id, n: a.rewards, sum: a.reward_sum, sum_sq: a.reward_sum_sq }, { arm_id: a.arm_id, n: b.rewards, sum: b.reward_sum, sum_sq: b.reward_sum_sq });
  const pick = (x: number | null, y: number | null, f: (...v: number[]) => number) => (x === null ? y : y === null ? x : f(x, y));
  const sufficient = { n: s.n, sum: s.sum, sumSq: s.sum_sq };
  return {
    ...a,
    decisions: a.decisions + b.decisions,
    rewards: s.n,
    reward_sum: s.sum,
    reward_sum_sq: s.sum_sq,
    reward_min: pick(a.reward_min, b.reward_min, Math.min),
    reward_max: pick(a.reward_max, b.reward_max, Math.max),
    mean: meanOf(sufficient),
    variance: varianceOf(sufficient),
    in_allocation: a.in_allocation || b.in_allocation,
    bandit: mergeBandit(a.bandit, b.bandit),
  };
}

/** The base object's answer merged with its shards' answers. */
function mergeShards(base: Found, shards: (ArmsResult | null)[]): Found {
  const arms = new Map(base.arms.map((a) => [a.arm_id, a]));
  const driftEvents = [...base.drift_events];
  shards.forEach((result, k) => {
    if (result === null || result.outcome !== "found") return;
    for (const arm of result.arms) {
      const held = arms.get(arm.arm_id);
      arms.set(arm.arm_id, held === undefined ? arm : mergeArm(held, arm));
    }
    for (const e of result.drift_events) driftEvents.push({ ...e, shard: k });
  });
  driftEvents.sort((x, y) => x.detected_at.localeCompare(y.detected_at));
  return { ...base, arms: [...arms.values()], drift_events: driftEvents };
}

armRoutes.get("/v1/experiments/:id/arms", async (c) => {
  await readSignedBody(c, [c.var.secrets.webhook, c.var.secrets.sync]);
  const experimentId = validate(experimentIdParam, c.req.param("id"));
  const answer = await experimentStub(c.env, experimentId).getArms();
  if (answer.outcome === "experiment_not_found") {
    throw new ApiError(404, "experiment_not_found", `experiment ${experimentId} has no allocation at the edge`);
  }
  let result: Found = answer;
  if (result.routing !== null) {
    const shards = await Promise.all(Array.from({ length: result.routing.shards }, (_, k) => shardStub(c.env, experimentId, k).getArms()));
    result = mergeShards(result, shards);
  }
  const { outcome: _outcome, routing, ...body } = result;
  return c.json({ ...body, shards: routing?.shards ?? 1 }, 200);
});
