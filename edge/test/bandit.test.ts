// Bandits at the edge (docs/sync-protocol.md, "Bandits"): decisions from the core policy of the
// pushed configuration, propensities, replay from the decision_id, winners, holdback, delayed
// visibility (update_frequency), drift resets and contextual features, against real Durable Objects.
// Decision ids are random UUIDs, so stochastic assertions use wide margins; exact propensities
// come from policies whose propensities are exact (epsilon-greedy, Sutton & Barto 2018, 2.2).

import { initialPageHinkley, pageHinkleyUpdate } from "@mvx/core/edge";
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { THREE_COMBINATIONS, type JsonBody, assign, getArms, newExperimentId, postRewards, pushAllocation, stubFor } from "./helpers";

const ARMS = THREE_COMBINATIONS.map((c) => ({ arm_id: c.combination_id, combination_id: c.combination_id, variable_values: c.variable_values }));

function bandit(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    bandit_config_id: "bandit-1",
    algorithm: "ThompsonSampling",
    exploration_rate: 0,
    update_frequency: 0,
    reward_type: "binary",
    arms: ARMS.slice(0, 2),
    ...overrides,
  };
}

function pushBandit(id: string, overrides: Record<string, unknown> = {}, allocationOverrides: Record<string, unknown> = {}) {
  return pushAllocation(id, { bandit: bandit(overrides), ...allocationOverrides });
}

/** The outbox's events of one type, in order. */
function outboxEvents(id: string, type: string): Promise<JsonBody[]> {
  return runInDurableObject(stubFor(id), (_instance, state) =>
    state.storage.sql
      .exec<{ payload: string }>("SELECT payload FROM outbox ORDER BY seq")
      .toArray()
      .map((r) => JSON.parse(r.payload))
      .filter((p) => p.type === type),
  );
}

/** Assigns units until every arm in `armIds` was served at least once; returns the decisions. */
async function coverArms(id: string, armIds: string[], label: string, max = 60): Promise<JsonBody[]> {
  const decisions: JsonBody[] = [];
  for (let i = 0; i < max && !armIds.every((a) => decisions.some((d) => d.arm_id === a)); i++) {
    decisions.push((await assign(id, `${label}-${i}`)).body);
  }
  expect(armIds.every((a) => decisions.some((d) => d.arm_id === a))).toBe(true);
  return decisions;
}

let eventSeq = 0;
function rewardEvents(id: string, decisions: JsonBody[], reward: (d: JsonBody) => number) {
  return { events: decisions.map((d) => ({ event_id: `evt-${++eventSeq}`, experiment_id: id, decision_id: d.decision_id, reward: reward(d) })) };
}

describe("allocation pushes with a bandit", () => {
  it("validates the bandit object with field paths", async () => {
    const id = newExperimentId("bandit-invalid");
    const cases: [Record<string, unknown>, string][] = [
      [{ exploration_rate: 2 }, "bandit.exploration_rate"],
      [{ arms: ARMS.slice(0, 1) }, "bandit.arms"],
      [{ algorithm: "Greedy" }, "bandit.algorithm"],
      [{ winner_arm_id: "nope" }, "bandit.winner_arm_id"],
      [{ control_share: 0.2 }, "bandit.control_arm_id"],
      [{ min_arm_share: 0.6 }, "bandit.min_arm_share"],
      [{ shards: 0 }, "bandit.shards"],
      [{ arms: [ARMS[0], ARMS[0]] }, "bandit.arm_definitions.1.arm_id"],
      [{ arms: [{ ...ARMS[0], prior: { alpha: -1 } }, ARMS[1]] }, "bandit.arm_definitions.0.prior.alpha"],
      [{ non_stationary_params: { drift_threshold: -1 } }, "bandit.non_stationary_params.drift_threshold"],
    ];
    for (const [overrides, path] of cases) {
      const res = await pushBandit(id, overrides);
      expect(res.status, JSON.stringify(overrides)).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path), JSON.stringify(overrides)).toContain(path);
    }
  });
});

describe("POST /v1/assign with a bandit", () => {
  it("Thompson sampling: answers with the arm, its propensity and the algorithm, and logs arm_probabilities", async () => {
    const id = newExperimentId("ts-shape");
    expect((await pushBandit(id)).body).toEqual({ applied: true, version: 1 });
    const d = (await assign(id, "u-1")).body;
    expect(d).toMatchObject({ assigned: true, algorithm: "ThompsonSampling", allocation_version: 1 });
    const arm = ARMS.find((a) => a.arm_id === d.arm_id)!;
    expect(arm).toBeDefined();
    expect(d.combination_id).toBe(arm.combination_id);
    expect(d.variable_values).toEqual(arm.variable_values);
    // Two arms with equal Beta(1, 1) posteriors: P(best) = 1/2, estimated from 1,000 draws plus the decision draw.
    expect(d.probability).toBeGreaterThan(0.4);
    expect(d.probability).toBeLessThan(0.6);
    const [event] = await outboxEvents(id, "decision");
    expect(event).toMatchObject({ decision_id: d.decision_id, algorithm: "ThompsonSampling", arm_id: d.arm_id, probability: d.probability, context: null });
    expect(Object.keys(event.arm_probabilities).sort()).toEqual(["c01", "c02"]);
    expect(event.arm_probabilities.c01 + event.arm_probabilities.c02).toBeCloseTo(1, 9);
    expect(event.arm_probabilities[d.arm_id]).toBe(d.probability);
  });

  it("Thompson sampling: traffic shifts to the better arm as rewards arrive", async () => {
    const id = newExperimentId("ts-shift");
    await pushBandit(id);
    // c02 always pays 1, c01 never: after a few rounds P(c02 best) is ~1 (Beta(n+1, 1) vs Beta(1, m+1)).
    for (let round = 0; round < 5; round++) {
      const decisions: JsonBody[] = [];
      for (let i = 0; i < 8; i++) decisions.push((await assign(id, `r${round}-u${i}`)).body);
      expect((await postRewards(rewardEvents(id, decisions, (d) => (d.arm_id === "c02" ? 1 : 0)))).body.accepted).toBe(8);
    }
    const final: JsonBody[] = [];
    for (let i = 0; i < 20; i++) final.push((await assign(id, `final-${i}`)).body);
    const toBetter = final.filter((d) => d.arm_id === "c02");
    expect(toBetter.length).toBeGreaterThanOrEqual(17);
    expect(Math.min(...toBetter.map((d) => d.probability))).toBeGreaterThan(0.9);
    const arms = Object.fromEntries((await getArms(id)).body.arms.map((a: JsonBody) => [a.arm_id, a]));
    expect(arms.c01.bandit.n + arms.c02.bandit.n).toBe(40);
    expect(arms.c02.bandit.sum).toBe(arms.c02.bandit.n);
    expect(arms.c01.bandit.sum).toBe(0);
  });

  it("epsilon-greedy: the probability is the exact propensity of the chosen arm", async () => {
    const id = newExperimentId("eg-exact");
    await pushBandit(id, { algorithm: "EpsilonGreedy", exploration_rate: 0.3, arms: ARMS });
    // No rewards: every arm ties at +Infinity, so each has (1 - 0.3)/3 + 0.3/3 = 1/3.
    const first = await coverArms(id, ["c01", "c02", "c03"], "cover");
    for (const d of first) expect(d.probability).toBeCloseTo(1 / 3, 12);
    await postRewards(rewardEvents(id, first, (d) => (d.arm_id === "c01" ? 1 : 0)));
    // c01 is the unique greedy arm: 0.7 + 0.3/3 = 0.8; the others 0.3/3 = 0.1.
    for (let i = 0; i < 12; i++) {
      const d = (await assign(id, `after-${i}`)).body;
      expect(d.probability, d.arm_id).toBeCloseTo(d.arm_id === "c01" ? 0.8 : 0.1, 12);
    }
    const events = await outboxEvents(id, "decision");
    const last = events[events.length - 1];
    expect(last.arm_probabilities.c01).toBeCloseTo(0.8, 12);
    expect(last.arm_probabilities.c02).toBeCloseTo(0.1, 12);
    expect(last.arm_probabilities.c03).toBeCloseTo(0.1, 12);
  });

  it("holdback and floor: control_share and min_arm_share mix into the propensities", async () => {
    const id = newExperimentId("holdback");
    await pushBandit(id, { algorithm: "EpsilonGreedy", exploration_rate: 0, arms: ARMS, control_arm_id: "c01", control_share: 0.5, min_arm_share: 0.1 });
    const first = await coverArms(id, ["c01", "c02", "c03"], "cover");
    // Ties: q = 1/3 each, so p = 0.5 [control] + 0.5 (0.1 + 0.7/3).
    for (const d of first) expect(d.probability).toBeCloseTo(d.arm_id === "c01" ? 0.5 + 0.5 / 3 : 0.5 / 3, 12);
    await postRewards(rewardEvents(id, first, (d) => (d.arm_id === "c02" ? 1 : 0)));
    // c02 greedy: q = (0, 1, 0): c01 0.5 + 0.5 * 0.1, c02 0.5 (0.1 + 0.7), c03 0.5 * 0.1.
    const expected: Record<string, number> = { c01: 0.55, c02: 0.4, c03: 0.05 };
    for (let i = 0; i < 10; i++) {
      const d = (await assign(id, `after-${i}`)).body;
      expect(d.probability, d.arm_id).toBeCloseTo(expected[d.arm_id]!, 12);
    }
  });

  it("replays a decision from its decision_id", async () => {
    const id = newExperimentId("replay");
    await pushBandit(id, { arms: ARMS });
    const warmup = await coverArms(id, ["c01", "c02"], "w");
    await postRewards(rewardEvents(id, warmup, (d) => (d.arm_id === "c02" ? 1 : 0)));
    const served: JsonBody[] = [];
    for (let i = 0; i < 6; i++) served.push((await assign(id, `u-${i}`)).body);
    const replayed = await runInDurableObject(stubFor(id), async (instance) =>
      Promise.all(served.map((d) => instance.replayDecision({ experiment_id: id, unit_id: d.unit_id }, d.decision_id))),
    );
    replayed.forEach((r, i) => {
      expect(r.outcome).toBe("assigned");
      if (r.outcome !== "assigned") return;
      expect({ arm_id: r.decision.arm_id, probability: r.decision.probability }).toEqual({ arm_id: served[i].arm_id, probability: served[i].probability });
    });
    const twice = await runInDurableObject(stubFor(id), async (instance) => [
      await instance.replayDecision({ experiment_id: id, unit_id: "x" }, "fixed-decision-id"),
      await instance.replayDecision({ experiment_id: id, unit_id: "x" }, "fixed-decision-id"),
    ]);
    expect(twice[0]).toEqual(twice[1]);
  });

  it("keeps live and published statistics across a restart of the object", async () => {
    const id = newExperimentId("restart");
    await pushBandit(id, { update_frequency: 3600 });
    const first = await coverArms(id, ["c01", "c02"], "cover");
    await postRewards(rewardEvents(id, first, (d) => (d.arm_id === "c01" ? 1 : 0)));
    const replay = (instance: { replayDecision: (i: { experiment_id: string; unit_id: string }, d: string) => Promise<unknown> }) =>
      instance.replayDecision({ experiment_id: id, unit_id: "x" }, "fixed-decision-id");
    const before = { replayed: await runInDurableObject(stubFor(id), replay), arms: (await getArms(id)).body.arms };
    await abortAllDurableObjects();
    const after = { replayed: await runInDurableObject(stubFor(id), replay), arms: (await getArms(id)).body.arms };
    expect(after).toEqual(before);
    // Still pending after the restart: the policy sees no reward yet.
    expect(before.arms.reduce((n: number, a: JsonBody) => n + (a.bandit?.published_n ?? 0), 0)).toBe(0);
    expect(before.arms.reduce((n: number, a: JsonBody) => n + (a.bandit?.n ?? 0), 0)).toBe(first.length);
  });

  it("serves winner_arm_id with probability 1", async () => {
    const id = newExperimentId("winner");
    await pushBandit(id, { arms: ARMS });
    await pushBandit(id, { arms: ARMS, winner_arm_id: "c02" }, { version: 2 });
    for (let i = 0; i < 8; i++) {
      expect((await assign(id, `u-${i}`)).body).toMatchObject({ arm_id: "c02", combination_id: "c02", probability: 1, algorithm: "ThompsonSampling", allocation_version: 2 });
    }
    const [event] = await outboxEvents(id, "decision");
    expect(event.arm_probabilities).toEqual({ c01: 0, c02: 1, c03: 0 });
  });

  it("update_frequency > 0: rewards become visible to the policy only after the period", async () => {
    const id = newExperimentId("update-frequency");
    await pushBandit(id, { algorithm: "EpsilonGreedy", exploration_rate: 0, update_frequency: 2 });
    const first = await coverArms(id, ["c01", "c02"], "cover");
    await postRewards(rewardEvents(id, first, (d) => (d.arm_id === "c01" ? 1 : 0)));
    // Pending: the live statistics hold the rewards, the policy still sees none (a tie, 1/2 each).
    const before = (await assign(id, "before")).body;
    expect(before.probability).toBeCloseTo(0.5, 12);
    const arms = Object.fromEntries((await getArms(id)).body.arms.map((a: JsonBody) => [a.arm_id, a.bandit]));
    expect(arms.c01.n + arms.c02.n).toBe(first.length);
    expect(arms.c01.published_n + arms.c02.published_n).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    // The period has passed: the next decision publishes, and greedy picks c01 with probability 1.
    expect((await assign(id, "after")).body).toMatchObject({ arm_id: "c01", probability: 1 });
    const published = Object.fromEntries((await getArms(id)).body.arms.map((a: JsonBody) => [a.arm_id, a.bandit]));
    expect(published.c01.published_n + published.c02.published_n).toBe(first.length);
  });

  it("rejects a binary reward outside [0, 1] for a bandit arm", async () => {
    const id = newExperimentId("binary-reward");
    await pushBandit(id);
    const d = (await assign(id, "u")).body;
    const res = await postRewards({ event_id: "too-big", experiment_id: id, decision_id: d.decision_id, reward: 3 });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "invalid_reward", details: [{ path: "reward" }] });
    expect((await postRewards({ event_id: "fine", experiment_id: id, decision_id: d.decision_id, reward: 1 })).status).toBe(202);
  });
});

describe("non-stationary bandits", () => {
  it("a detected change resets the arm, is logged as a drift event and shows in the arms route", async () => {
    const id = newExperimentId("drift");
    await pushBandit(id, { arms: ARMS, winner_arm_id: "c01", non_stationary_params: { drift_threshold: 5, detector: "page-hinkley" } });
    const decisions: JsonBody[] = [];
    for (let i = 0; i < 20; i++) decisions.push((await assign(id, `u-${i}`)).body);
    const rewards = decisions.map((_, i) => (i < 12 ? 0 : 1));
    // Where core's Page-Hinkley detector (threshold 5, delta 0.005) fires on this sequence.
    let ph = initialPageHinkley();
    let fired = -1;
    for (const [i, r] of rewards.entries()) {
      const step = pageHinkleyUpdate(ph, r, { threshold: 5 });
      ph = step.state;
      if (step.change) {
        fired = i;
        break;
      }
    }
    expect(fired).toBeGreaterThan(12);
    let k = 0;
    expect((await postRewards(rewardEvents(id, decisions, () => rewards[k++]!))).body.accepted).toBe(20);

    const body = (await getArms(id)).body;
    const c01 = body.arms.find((a: JsonBody) => a.arm_id === "c01");
    expect(c01).toMatchObject({ rewards: 20, reward_sum: 8 });
    expect(c01.bandit).toMatchObject({ drifts: 1, n: 20 - fired - 1, sum: 20 - fired - 1 });
    expect(Date.parse(c01.bandit.last_drift_at)).not.toBeNaN();
    expect(body.drift_events).toHaveLength(1);
    expect(body.drift_events[0]).toMatchObject({ arm_id: "c01", detector: "page-hinkley" });
    expect(body.drift_events[0].statistic).toBeGreaterThan(5);
    const drifts = await outboxEvents(id, "drift");
    expect(drifts).toEqual([{ type: "drift", experiment_id: id, arm_id: "c01", detector: "page-hinkley", statistic: body.drift_events[0].statistic, detected_at: c01.bandit.last_drift_at }]);
  });

  it("a sliding window limits what the policy sees", async () => {
    const id = newExperimentId("window");
    await pushBandit(id, { arms: ARMS, winner_arm_id: "c01", non_stationary_params: { window_size: 3 } });
    const decisions: JsonBody[] = [];
    for (let i = 0; i < 5; i++) decisions.push((await assign(id, `u-${i}`)).body);
    await postRewards(rewardEvents(id, decisions, () => 1));
    const state = await runInDurableObject(stubFor(id), (_i, s) => JSON.parse(s.storage.sql.exec<{ state: string }>("SELECT state FROM bandit_arms WHERE arm_id = 'c01'").one().state));
    expect(state.window.buffer).toEqual([1, 1, 1]);
  });
});

describe("contextual bandits", () => {
  const features = { user_features: ["age", { name: "country", type: "categorical", vocabulary: ["NZ", "FR"] }] };

  it("builds the feature vector from the declared features, stores it and updates A and b with it", async () => {
    const id = newExperimentId("contextual");
    await pushBandit(id, { algorithm: "Contextual", exploration_rate: 1, context_features: features });
    const d = (await assign(id, "u-1", { user: { age: 30, country: "FR" } })).body;
    expect(d).toMatchObject({ assigned: true, algorithm: "Contextual" });
    const row = await runInDurableObject(stubFor(id), (_i, s) => s.storage.sql.exec<{ context_vector: string }>("SELECT context_vector FROM decisions").one());
    expect(JSON.parse(row.context_vector)).toEqual([1, 30, 0, 1]);
    const [event] = await outboxEvents(id, "decision");
    expect(event.context).toEqual({ user: { age: 30, country: "FR" } });

    await postRewards({ event_id: "ctx-1", experiment_id: id, decision_id: d.decision_id, reward: 1 });
    const state = await runInDurableObject(stubFor(id), (_i, s) =>
      JSON.parse(s.storage.sql.exec<{ state: string }>("SELECT state FROM bandit_arms WHERE arm_id = ?", d.arm_id).one().state),
    );
    expect(state.linear.n).toBe(1);
    expect(state.linear.b).toEqual([1, 30, 0, 1]);
    expect(state.linear.a[1][1]).toBe(1 + 30 * 30);
  });

  it("answers 400 naming a malformed or undeclared context field", async () => {
    const id = newExperimentId("contextual-bad");
    await pushBandit(id, { algorithm: "Contextual", exploration_rate: 1, context_features: features });
    const cases: [unknown, string][] = [
      [{ user: { age: "old" } }, "context.user.age"],
      [{ user: { height: 180 } }, "context.user.height"],
      [{ content: { category: "news" } }, "context.content.category"],
      [{ user: { country: { nested: true } } }, "context.user.country"],
    ];
    for (const [context, path] of cases) {
      const res = await assign(id, "u", context);
      expect(res.status, JSON.stringify(context)).toBe(400);
      expect(res.body.error.code).toBe("invalid_context");
      expect(res.body.error.details[0].path).toBe(path);
    }
  });

  it("learns which arm pays in which context (LinUCB)", async () => {
    const id = newExperimentId("contextual-learn");
    await pushBandit(id, { algorithm: "Contextual", exploration_rate: 0.5, context_features: { user_features: [features.user_features[1]] } });
    const pays = (country: string, arm: string) => ((country === "NZ") === (arm === "c01") ? 1 : 0);
    for (let round = 0; round < 4; round++) {
      const decisions: JsonBody[] = [];
      for (let i = 0; i < 8; i++) {
        const country = i % 2 === 0 ? "NZ" : "FR";
        decisions.push({ ...(await assign(id, `r${round}-${i}`, { user: { country } })).body, country });
      }
      await postRewards(rewardEvents(id, decisions, (d) => pays(d.country, d.arm_id)));
    }
    for (const country of ["NZ", "FR", "NZ", "FR"]) {
      expect((await assign(id, `final-${country}-${crypto.randomUUID()}`, { user: { country } })).body.arm_id).toBe(country === "NZ" ? "c01" : "c02");
    }
  });
});
