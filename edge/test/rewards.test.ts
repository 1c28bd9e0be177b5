// Reward webhooks: idempotency on event_id (in SQLite, across restarts), attribution to decisions,
// rejections, batches across experiments, and the arm statistics they feed.

import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SYNC_SECRET, THREE_COMBINATIONS, assign, getArms, newExperimentId, postRewards, pushAllocation, stubFor } from "./helpers";

const weights = (w: number[]) => THREE_COMBINATIONS.map((c, i) => ({ ...c, traffic_allocation: w[i] }));

type Arm = { arm_id: string; decisions: number; rewards: number; reward_sum: number; reward_sum_sq: number; mean: number | null; variance: number | null };
async function armsById(experimentId: string): Promise<Record<string, Arm>> {
  const res = await getArms(experimentId);
  expect(res.status).toBe(200);
  return Object.fromEntries((res.body.arms as Arm[]).map((a) => [a.arm_id, a]));
}

describe("POST /v1/rewards: idempotency", () => {
  it("counts the same event once, however often it arrives, also after the object restarts", async () => {
    const id = newExperimentId("idem");
    await pushAllocation(id);
    const d = (await assign(id, "u-1")).body;
    const event = { event_id: "evt-1", experiment_id: id, decision_id: d.decision_id, reward: 2 };
    expect(await postRewards(event)).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0, rejected: [] } });
    expect(await postRewards(event)).toMatchObject({ status: 202, body: { accepted: 0, duplicates: 1, rejected: [] } });
    expect(await postRewards(event)).toMatchObject({ status: 202, body: { accepted: 0, duplicates: 1, rejected: [] } });
    expect((await armsById(id))[d.arm_id]).toMatchObject({ decisions: 1, rewards: 1, reward_sum: 2, reward_sum_sq: 4 });

    // Evict every object instance (storage kept): the new instance must know evt-1 from SQLite.
    await abortAllDurableObjects();
    expect(await postRewards(event)).toMatchObject({ status: 202, body: { accepted: 0, duplicates: 1 } });
    expect((await armsById(id))[d.arm_id]).toMatchObject({ decisions: 1, rewards: 1, reward_sum: 2, reward_sum_sq: 4 });
    const stored = await runInDurableObject(stubFor(id), (_instance, state) => ({
      seen: state.storage.sql.exec("SELECT event_id, decision_id FROM seen_events").toArray(),
      arm: state.storage.sql.exec("SELECT decisions, rewards, reward_sum, reward_sum_sq FROM arms WHERE arm_id = ?", d.arm_id).one(),
      rewardEvents: state.storage.sql.exec<{ payload: string }>("SELECT payload FROM outbox").toArray().filter((r) => JSON.parse(r.payload).type === "reward").length,
    }));
    expect(stored).toEqual({
      seen: [{ event_id: "evt-1", decision_id: d.decision_id }],
      arm: { decisions: 1, rewards: 1, reward_sum: 2, reward_sum_sq: 4 },
      rewardEvents: 1,
    });
  });

  it("counts a duplicate inside one batch once", async () => {
    const id = newExperimentId("batch-dup");
    await pushAllocation(id);
    await assign(id, "a");
    await assign(id, "b");
    const batch = {
      events: [
        { event_id: "e-a", experiment_id: id, unit_id: "a", reward: 1 },
        { event_id: "e-b", experiment_id: id, unit_id: "b", reward: 0 },
        { event_id: "e-a", experiment_id: id, unit_id: "a", reward: 1 },
      ],
    };
    expect(await postRewards(batch)).toMatchObject({ status: 202, body: { accepted: 2, duplicates: 1, rejected: [] } });
    expect(await postRewards(batch)).toMatchObject({ status: 202, body: { accepted: 0, duplicates: 3, rejected: [] } });
    const arms = Object.values(await armsById(id));
    expect(arms.reduce((s, a) => s + a.rewards, 0)).toBe(2);
  });
});

describe("POST /v1/rewards: attribution", () => {
  it("attributes by decision_id, else to the unit's latest decision", async () => {
    const id = newExperimentId("attr");
    await pushAllocation(id, { combinations: weights([1, 0, 0]) });
    const d1 = (await assign(id, "u")).body;
    await pushAllocation(id, { version: 2, combinations: weights([0, 1, 0]) });
    const d2 = (await assign(id, "u")).body;
    expect([d1.combination_id, d2.combination_id]).toEqual(["c01", "c02"]);

    expect((await postRewards({ event_id: "by-decision", experiment_id: id, decision_id: d1.decision_id, unit_id: "u", reward: 3 })).status).toBe(202);
    expect((await postRewards({ event_id: "by-unit", experiment_id: id, unit_id: "u", reward: 5, occurred_at: "2026-11-24T12:00:05.000Z" })).status).toBe(202);
    const arms = await armsById(id);
    expect(arms.c01).toMatchObject({ rewards: 1, reward_sum: 3 });
    expect(arms.c02).toMatchObject({ rewards: 1, reward_sum: 5 });

    const rewards = await runInDurableObject(stubFor(id), (_instance, state) =>
      state.storage.sql
        .exec<{ payload: string }>("SELECT payload FROM outbox ORDER BY seq")
        .toArray()
        .map((r) => JSON.parse(r.payload))
        .filter((p) => p.type === "reward"),
    );
    expect(rewards).toHaveLength(2);
    expect(rewards[0]).toMatchObject({ event_id: "by-decision", decision_id: d1.decision_id, arm_id: "c01", combination_id: "c01", unit_id: "u", reward: 3 });
    expect(rewards[1]).toMatchObject({
      event_id: "by-unit",
      experiment_id: id,
      decision_id: d2.decision_id,
      arm_id: "c02",
      reward: 5,
      occurred_at: "2026-11-24T12:00:05.000Z",
    });
    expect(Date.parse(rewards[1].received_at)).not.toBeNaN();
    expect(rewards[0].occurred_at).toBe(rewards[0].received_at);
  });

  it("rejects an unattributable event with a reason and does not mark it seen", async () => {
    const id = newExperimentId("reject");
    await pushAllocation(id);
    const d = (await assign(id, "known")).body;
    const cases = [
      [{ event_id: "r1", experiment_id: id, unit_id: "late", reward: 1 }, "no_decision_for_unit"],
      [{ event_id: "r2", experiment_id: id, decision_id: "no-such-decision", reward: 1 }, "decision_not_found"],
      [{ event_id: "r3", experiment_id: id, reward: 1 }, "missing_attribution"],
      [{ event_id: "r4", experiment_id: id, decision_id: d.decision_id, unit_id: "someone-else", reward: 1 }, "decision_unit_mismatch"],
    ] as const;
    for (const [event, reason] of cases) {
      const res = await postRewards(event);
      expect(res.status, reason).toBe(422);
      expect(res.body.error.code).toBe(reason);
      expect(res.body.error.details).toHaveLength(1);
    }
    // In a batch the same rejections come back per event, with 202.
    const batch = await postRewards({ events: cases.map(([event]) => event) });
    expect(batch).toMatchObject({ status: 202, body: { accepted: 0, duplicates: 0 } });
    expect(batch.body.rejected).toEqual(cases.map(([event, reason]) => ({ event_id: event.event_id, reason })));
    expect(await runInDurableObject(stubFor(id), (_i, state) => state.storage.sql.exec("SELECT * FROM seen_events").toArray())).toEqual([]);

    // Once the unit has a decision, the same event is accepted.
    await assign(id, "late");
    expect(await postRewards(cases[0][0])).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0 } });
  });

  it("answers 404 for an unknown experiment, and rejects its events inside a batch", async () => {
    const unknown = newExperimentId("nope");
    const single = await postRewards({ event_id: "x1", experiment_id: unknown, unit_id: "u", reward: 1 });
    expect(single.status).toBe(404);
    expect(single.body.error.code).toBe("experiment_not_found");

    const id = newExperimentId("known");
    await pushAllocation(id);
    await assign(id, "u");
    const batch = await postRewards({
      events: [
        { event_id: "x1", experiment_id: unknown, unit_id: "u", reward: 1 },
        { event_id: "x2", experiment_id: id, unit_id: "u", reward: 1 },
      ],
    });
    expect(batch).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0, rejected: [{ event_id: "x1", reason: "experiment_not_found" }] } });
  });

  it("records a batch spanning several experiments in each experiment's object", async () => {
    const a = newExperimentId("span-a");
    const b = newExperimentId("span-b");
    await pushAllocation(a, { combinations: weights([1, 0, 0]) });
    await pushAllocation(b, { combinations: weights([0, 0, 1]) });
    await assign(a, "u");
    await assign(b, "u");
    const res = await postRewards({
      events: [
        { event_id: "s1", experiment_id: a, unit_id: "u", reward: 1 },
        { event_id: "s2", experiment_id: b, unit_id: "u", reward: 2 },
        { event_id: "s3", experiment_id: a, unit_id: "u", reward: 3 },
      ],
    });
    expect(res).toMatchObject({ status: 202, body: { accepted: 3, duplicates: 0, rejected: [] } });
    expect((await armsById(a)).c01).toMatchObject({ rewards: 2, reward_sum: 4, reward_sum_sq: 10 });
    expect((await armsById(b)).c03).toMatchObject({ rewards: 1, reward_sum: 2, reward_sum_sq: 4 });
  });
});

describe("GET /v1/experiments/:id/arms", () => {
  it("reports decisions and sufficient statistics exactly, with mean and variance", async () => {
    const id = newExperimentId("stats");
    await pushAllocation(id, { combinations: weights([1, 0, 0]) });
    for (const u of ["a1", "a2", "a3"]) await assign(id, u);
    await pushAllocation(id, { version: 2, combinations: weights([0, 1, 0]) });
    for (const u of ["b1", "b2"]) await assign(id, u);
    const rewards = { a1: 1, a2: 0, a3: 2.5, b1: 4 };
    const res = await postRewards({ events: Object.entries(rewards).map(([u, r]) => ({ event_id: `r-${u}`, experiment_id: id, unit_id: u, reward: r })) });
    expect(res.body).toMatchObject({ accepted: 4 });

    const arms = await getArms(id, SYNC_SECRET); // either secret signs this route
    expect(arms.status).toBe(200);
    expect(arms.body).toMatchObject({ experiment_id: id, allocation_version: 2, status: "Running" });
    const byId = Object.fromEntries((arms.body.arms as Arm[]).map((a) => [a.arm_id, a]));
    // mean(c(1, 0, 2.5)) = 3.5 / 3; var(c(1, 0, 2.5)) = 3.1666.. / 2 = 1.583333 (R var(), python statistics.variance)
    expect(byId.c01).toMatchObject({ combination_id: "c01", decisions: 3, rewards: 3, reward_sum: 3.5, reward_sum_sq: 7.25, reward_min: 0, reward_max: 2.5, in_allocation: true });
    expect(byId.c01!.mean).toBeCloseTo(3.5 / 3, 12);
    expect(byId.c01!.variance).toBeCloseTo(1.5833333333333333, 12);
    expect(byId.c02).toMatchObject({ decisions: 2, rewards: 1, reward_sum: 4, reward_sum_sq: 16, mean: 4, variance: null });
    expect(byId.c03).toMatchObject({ decisions: 0, rewards: 0, reward_sum: 0, reward_sum_sq: 0, mean: null, variance: null, reward_min: null });
  });

  it("answers 404 for an unknown experiment", async () => {
    const res = await getArms(newExperimentId("nope"));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("experiment_not_found");
  });
});
