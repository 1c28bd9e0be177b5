// Sharded bandit experiments (docs/sync-protocol.md, "Bandits"): the worker routes a unit to
// `<experiment_id>#<k>` with k = floor(hashToUnit(salt, unit_id) * shards), pushes reach every
// shard, rewards find their decision's shard, and the arms route merges shard statistics.

import { hashToUnit } from "@mvx/core/edge";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { THREE_COMBINATIONS, type JsonBody, assign, getArms, newExperimentId, postRewards, pushAllocation, stubFor } from "./helpers";

const ARMS = THREE_COMBINATIONS.slice(0, 2).map((c) => ({ arm_id: c.combination_id, combination_id: c.combination_id, variable_values: c.variable_values }));
const SHARDS = 4;

function pushSharded(id: string, version = 1, extra: Record<string, unknown> = {}) {
  return pushAllocation(id, {
    version,
    bandit: { bandit_config_id: "b-1", algorithm: "ThompsonSampling", exploration_rate: 0, update_frequency: 0, arms: ARMS, shards: SHARDS, ...extra },
  });
}

const shardOf = (id: string, unit: string) => Math.floor(hashToUnit(id, unit, 1) * SHARDS);

function decisionsIn(name: string): Promise<{ decision_id: string; unit_id: string }[]> {
  return runInDurableObject(stubFor(name), (_i, s) => s.storage.sql.exec<{ decision_id: string; unit_id: string }>("SELECT decision_id, unit_id FROM decisions").toArray());
}

describe("sharded bandit experiments", () => {
  it("routes each unit deterministically to its shard, fans pushes out and merges statistics on read", async () => {
    const id = newExperimentId("shards");
    expect((await pushSharded(id)).body).toEqual({ applied: true, version: 1 });
    for (let k = 0; k < SHARDS; k++) {
      const arms = await stubFor(`${id}#${k}`).getArms();
      expect(arms.outcome, `shard ${k}`).toBe("found");
    }

    const units = Array.from({ length: 12 }, (_, i) => `unit-${i}`);
    const served: JsonBody[] = [];
    for (const unit of units) served.push((await assign(id, unit)).body);
    served.push((await assign(id, "unit-0")).body);
    for (const d of served) expect(d).toMatchObject({ assigned: true, algorithm: "ThompsonSampling" });
    expect(new Set(units.map((u) => shardOf(id, u))).size).toBeGreaterThan(1);

    // Every decision sits in its unit's shard; the base object serves none.
    const byShard = await Promise.all(Array.from({ length: SHARDS }, (_, k) => decisionsIn(`${id}#${k}`)));
    byShard.forEach((rows, k) => {
      for (const row of rows) expect(shardOf(id, row.unit_id), row.unit_id).toBe(k);
    });
    expect(byShard.flat().map((r) => r.decision_id).sort()).toEqual(served.map((d) => d.decision_id).sort());
    expect(await decisionsIn(id)).toEqual([]);
    const unit0 = byShard[shardOf(id, "unit-0")]!.filter((r) => r.unit_id === "unit-0");
    expect(unit0).toHaveLength(2);

    // Rewards: by unit (routed by hash) and by decision_id alone (found in whichever shard holds it).
    const batch = {
      events: [
        { event_id: "by-unit", experiment_id: id, unit_id: "unit-3", reward: 1 },
        { event_id: "by-decision", experiment_id: id, decision_id: served[5].decision_id, reward: 1 },
        { event_id: "unknown", experiment_id: id, decision_id: "no-such-decision", reward: 1 },
      ],
    };
    expect((await postRewards(batch)).body).toEqual({ accepted: 2, duplicates: 0, rejected: [{ event_id: "unknown", reason: "decision_not_found" }] });
    expect((await postRewards(batch)).body).toMatchObject({ accepted: 0, duplicates: 2 });

    const body = (await getArms(id)).body;
    expect(body.shards).toBe(SHARDS);
    expect(body.bandit).toMatchObject({ bandit_config_id: "b-1", shards: SHARDS });
    const arms = body.arms as JsonBody[];
    expect(arms.reduce((s, a) => s + a.decisions, 0)).toBe(13);
    expect(arms.reduce((s, a) => s + a.rewards, 0)).toBe(2);
    expect(arms.reduce((s, a) => s + (a.bandit?.n ?? 0), 0)).toBe(2);
    expect(arms.find((a) => a.arm_id === "c03").bandit).toBeNull();
  });

  it("a later push reaches every shard, also when the shard count drops", async () => {
    const id = newExperimentId("shards-repush");
    await pushSharded(id);
    expect((await pushSharded(id, 2, { shards: 1, winner_arm_id: "c02" })).body).toEqual({ applied: true, version: 2 });
    for (let k = 0; k < SHARDS; k++) {
      const arms = await stubFor(`${id}#${k}`).getArms();
      expect(arms.outcome === "found" && arms.allocation_version, `shard ${k}`).toBe(2);
    }
    // Unsharded now: the base object serves (once the worker's cached routing is forgotten).
    expect((await assign(id, "u")).body).toMatchObject({ arm_id: "c02", probability: 1, allocation_version: 2 });
    expect(await decisionsIn(id)).toHaveLength(1);
  });

  it("each shard merges its peers' statistics into what its policy sees", async () => {
    const id = newExperimentId("shards-merge");
    const shards = 2;
    await pushAllocation(id, {
      bandit: { bandit_config_id: "b-2", algorithm: "EpsilonGreedy", exploration_rate: 0, arms: ARMS, shards },
    });
    const unitsOf = (k: number) => Array.from({ length: 200 }, (_, i) => `m-${i}`).filter((u) => Math.floor(hashToUnit(id, u, 1) * shards) === k);
    const [zero, one] = [unitsOf(0), unitsOf(1)];
    // Shard 0 learns that c01 pays (every arm needs a reward before greedy leaves the +Infinity tie).
    const served: JsonBody[] = [];
    for (const unit of zero) {
      served.push((await assign(id, unit)).body);
      if (served.some((d) => d.arm_id === "c01") && served.some((d) => d.arm_id === "c02")) break;
    }
    await postRewards({ events: served.map((d, i) => ({ event_id: `m-${i}`, experiment_id: id, unit_id: d.unit_id, reward: d.arm_id === "c01" ? 1 : 0 })) });
    // Shard 1 has seen nothing: its first decision is the tie (1/2), then it fetches its peer.
    expect((await assign(id, one[0]!)).body.probability).toBeCloseTo(0.5, 12);
    expect(await stubFor(`${id}#1`).refreshShardPeers()).toEqual({ peers: 1 });
    expect((await assign(id, one[1]!)).body).toMatchObject({ arm_id: "c01", probability: 1 });
    const own = await stubFor(`${id}#1`).getArms();
    expect(own.outcome === "found" && own.arms.reduce((n, a) => n + (a.bandit?.n ?? 0), 0)).toBe(0);
  });
});
