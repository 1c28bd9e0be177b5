// A Thompson-sampling bandit end to end, as a user runs it: `npm start`, a Running 2x2 factorial
// experiment, a ThompsonSampling bandit created through the control plane (update_frequency 0),
// units assigned at the edge, Bernoulli rewards from known per-arm means (seeded core rng) posted
// as signed webhooks right after each batch of decisions; the best arm ends with most of the
// traffic, and GET /v1/bandits/:id ranks it first by probability_best.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "@mvx/core";
import { http, signedHttp, startStack, waitFor, type Stack } from "./helpers/stack.js";

let stack: Stack;
const auth = () => ({ Authorization: `Bearer ${stack.apiKey}` });

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  if (stack) {
    const code = await stack.stop();
    expect(code).toBe(0);
  }
});

// Per-arm success probabilities, by combination index: one clearly best arm.
const MEANS = [0.1, 0.1, 0.1, 0.3];
const DECISIONS = 1200;
const BATCH = 20;
const TAIL = 300;

describe("bandits: control plane config -> edge decisions -> signed rewards -> posterior", () => {
  let experimentId = "";
  let banditId = "";
  const meanOf = new Map<string, number>();
  let bestArm = "";

  it("creates a Running 2x2 experiment with an active ThompsonSampling bandit", async () => {
    const created = await http("POST", `${stack.cpUrl}/v1/experiments`, {
      name: "bandit e2e",
      design_type: "FullFactorial",
      variables: [
        { name: "color", levels: ["green", "blue"], type: "categorical" },
        { name: "layout", levels: ["list", "grid"], type: "categorical" },
      ],
    }, auth());
    expect(created.status).toBe(201);
    expect(created.body.combinations).toHaveLength(4);
    experimentId = created.body.id;
    (created.body.combinations as { combination_id: string }[]).forEach((c, i) => meanOf.set(c.combination_id, MEANS[i]!));
    bestArm = created.body.combinations[MEANS.indexOf(Math.max(...MEANS))].combination_id;

    const power = await http("POST", `${stack.cpUrl}/v1/experiments/${experimentId}/power-analysis`,
      { effect_size: 0.05, metric: { type: "binary", baseline_rate: 0.1 } }, auth());
    expect(power.status).toBe(200);

    const bandit = await http("POST", `${stack.cpUrl}/v1/experiments/${experimentId}/bandits`, {
      algorithm: "ThompsonSampling",
      exploration_rate: 0,
      update_frequency: 0,
      regret_threshold: 0.0001,
      is_active: true,
    }, auth());
    expect(bandit.status).toBe(201);
    expect(bandit.body.algorithm).toBe("ThompsonSampling");
    expect(bandit.body.arm_definitions).toHaveLength(4);
    banditId = bandit.body.id;

    const run = await http("POST", `${stack.cpUrl}/v1/experiments/${experimentId}/transition`, { status: "Running" }, auth());
    expect(run.status).toBe(200);
    await waitFor(async () => {
      const r = await http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: experimentId, unit_id: "probe" });
      return r.status === 200 && r.body.assigned === true && r.body.algorithm === "ThompsonSampling";
    }, 30_000, "the bandit allocation to reach the edge");
  });

  it("shifts traffic to the best arm as rewards arrive", async () => {
    const rng = createRng("bandits-e2e");
    const chosen: string[] = [];
    let rewarded = 0;
    for (let i = 0; i < DECISIONS; i += BATCH) {
      const batch = await Promise.all(Array.from({ length: BATCH }, (_, j) =>
        http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: experimentId, unit_id: `unit-${i + j}` })));
      const events = batch.map((r, j) => {
        expect(r.status).toBe(200);
        expect(r.body.algorithm).toBe("ThompsonSampling");
        expect(r.body.probability).toBeGreaterThan(0);
        expect(r.body.probability).toBeLessThanOrEqual(1);
        const combination: string = r.body.combination_id;
        chosen.push(combination);
        const mean = meanOf.get(combination);
        expect(mean).toBeDefined();
        const reward = rng() < mean! ? 1 : 0;
        rewarded += reward;
        return { event_id: `evt-${i + j}`, experiment_id: experimentId, decision_id: r.body.decision_id as string, reward };
      });
      const posted = await signedHttp("POST", `${stack.edgeUrl}/v1/rewards`, stack.webhookSecret, { events });
      expect(posted.status).toBe(202);
      expect(posted.body).toMatchObject({ accepted: BATCH, duplicates: 0 });
    }
    expect(rewarded).toBeGreaterThan(0);

    const tail = chosen.slice(-TAIL);
    const bestShare = tail.filter((c) => c === bestArm).length / TAIL;
    // Thompson sampling with 0.3 vs 0.1 (seeded rewards): the best arm dominates well before 1,200
    // decisions; uniform play would give it 25%.
    expect(bestShare).toBeGreaterThan(0.5);

    // The edge's own arm statistics: every reward counted once, the best arm served most.
    const arms = await signedHttp("GET", `${stack.edgeUrl}/v1/experiments/${experimentId}/arms`, stack.webhookSecret);
    expect(arms.status).toBe(200);
    type Arm = { combination_id: string; decisions: number; rewards: number };
    const edgeArms = arms.body.arms as Arm[];
    expect(edgeArms.reduce((s, a) => s + a.rewards, 0)).toBe(DECISIONS);
    const top = edgeArms.reduce((a, b) => (b.decisions > a.decisions ? b : a));
    expect(top.combination_id).toBe(bestArm);
  });

  it("reports probability_best highest for the best arm in GET /v1/bandits/:id", async () => {
    // The decision and reward logs reach the control plane through the edge's outbox.
    const detail = await waitFor(async () => {
      const r = await http("GET", `${stack.cpUrl}/v1/bandits/${banditId}`, undefined, auth());
      if (r.status !== 200) return null;
      const n = (r.body.arm_statistics as { n: number }[]).reduce((s, a) => s + a.n, 0);
      return n >= DECISIONS ? r.body : null;
    }, 45_000, `${DECISIONS} rewarded decisions in the control plane`);
    const probabilityBest = detail.regret_metrics.probability_best as Record<string, number>;
    const ranked = Object.entries(probabilityBest).sort((a, b) => b[1] - a[1]);
    expect(ranked[0]![0]).toBe(bestArm);
    expect(detail.regret_metrics.best_arm_id).toBe(bestArm);
    const stats = detail.arm_statistics as { arm_id: string; decisions: number; n: number }[];
    expect(stats.reduce((s, a) => s + a.n, 0)).toBe(DECISIONS);
    const most = stats.reduce((a, b) => (b.decisions > a.decisions ? b : a));
    expect(most.arm_id).toBe(bestArm);
  });
});
