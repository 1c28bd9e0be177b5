// The BO loop closed through the edge (services/bo-loop.ts), on :memory:: an active model's points
// are pushed as combinations bo-<round>-<k>; rewards injected through the signed
// /internal/edge-events route (as the edge logs them) are aggregated per point, and once every point
// has min_rewards_per_point rewards the round closes: the means are observed with SE^2 as their
// noise, iterations are numbered, and the next suggestions are pushed with a bumped version.

import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { syncOutbox } from "../src/db/schema/index.js";
import { boLoopIntervalFromEnv, createBoLoop, type BoLoop } from "../src/services/bo-loop.js";
import { experimentBody, signed, testApp, type TestApp } from "./helpers.js";

let now = Date.parse("2026-11-24T12:00:00.000Z");
let t: TestApp;
let loop: BoLoop;
let kicks = 0;

beforeEach(async () => {
  kicks = 0;
  t = await testApp({ memoryOnly: true, clock: () => now, outbox: { kick: () => kicks++ } });
  loop = createBoLoop({ db: t.db, clock: () => now, intervalMs: 1000, logger: { error: () => undefined } });
});
afterEach(() => t.close());

const space = { parameters: [{ name: "x", bounds: [0, 1] }] };

async function experiment(run = true): Promise<string> {
  const { body } = await t.json("POST", "/v1/experiments", experimentBody());
  if (run) {
    const pa = await t.json("POST", `/v1/experiments/${body.id}/power-analysis`, { effect_size: 0.05, metric: { type: "binary", baseline_rate: 0.1 } });
    expect(pa.status).toBe(200);
    expect((await t.json("POST", `/v1/experiments/${body.id}/transition`, { status: "Running" })).status).toBe(200);
  }
  return body.id;
}

async function model(experimentId: string, options: Record<string, unknown> = {}) {
  const res = await t.json("POST", `/v1/experiments/${experimentId}/bayesian-models`, {
    model_type: "GaussianProcess",
    acquisition_function: "ExpectedImprovement",
    parameter_space: space,
    options: { initial_points: 3, batch_size: 2, seed: "bo-loop-test", min_rewards_per_point: 4, ...options },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

type Payload = { version: number; combinations: { combination_id: string; variable_values: Record<string, unknown>; traffic_allocation: number }[]; bandit?: unknown };

async function pushes(experimentId: string): Promise<Payload[]> {
  const rows = await t.db.select().from(syncOutbox).where(eq(syncOutbox.experiment_id, experimentId)).orderBy(asc(syncOutbox.id));
  return rows.map((r) => r.payload as unknown as Payload);
}

/** Logs one decision and one reward per value for `combinationId`, as the edge would. */
async function rewards(experimentId: string, combinationId: string, values: number[]): Promise<void> {
  const events = values.flatMap((value, i) => {
    const decision_id = randomUUID();
    return [
      { type: "decision", decision_id, unit_id: `u-${combinationId}-${i}-${decision_id}`, combination_id: combinationId, arm_id: combinationId },
      { type: "reward", event_id: `evt-${decision_id}`, decision_id, combination_id: combinationId, reward: value },
    ];
  });
  const raw = JSON.stringify({ experiment_id: experimentId, events });
  const res = await t.json("POST", "/internal/edge-events", raw, await signed(raw, Math.floor(now / 1000)));
  expect(res.status).toBe(200);
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
/** Squared standard error of the mean: sample variance (n - 1) / n. */
const se2 = (v: number[]) => v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1) / v.length;

describe("BO loop", () => {
  it("serves the active model's points, closes a round with SE-based noise and pushes the next suggestions", async () => {
    const id = await experiment();
    const m = await model(id);
    const before = await pushes(id);
    expect(before).toHaveLength(1); // the Draft -> Running push, with the design's combinations
    expect(before[0]!.combinations[0]!.combination_id).not.toMatch(/^bo-/);

    const act = await t.json("PATCH", `/v1/bayesian-models/${m.id}`, { active: true });
    expect(act.status, JSON.stringify(act.body)).toBe(200);
    expect(act.body.active).toBe(true);
    const afterActivation = await pushes(id);
    expect(afterActivation).toHaveLength(2);
    const p1 = afterActivation[1]!;
    expect(p1.version).toBe(before[0]!.version + 1);
    expect(p1.combinations.map((c) => c.combination_id)).toEqual(["bo-1-1", "bo-1-2", "bo-1-3"]);
    expect(p1.combinations.map((c) => c.variable_values)).toEqual(m.next_points.map((p: { point: unknown }) => p.point));
    for (const c of p1.combinations) expect(c.traffic_allocation).toBeCloseTo(1 / 3, 12);
    expect(kicks).toBeGreaterThan(0);

    // A second model cannot be active on the same experiment.
    const other = await model(id);
    expect((await t.json("PATCH", `/v1/bayesian-models/${other.id}`, { active: true })).status).toBe(409);

    // Not enough rewards yet: nothing happens.
    const values: Record<string, number[]> = { "bo-1-1": [0.1, 0.3, 0.2, 0.6], "bo-1-2": [1, 1.2, 0.8, 1.4, 0.9], "bo-1-3": [0.5, 0.4, 0.7] };
    for (const [c, v] of Object.entries(values)) await rewards(id, c, v);
    expect((await loop.runOnce(now)).closed).toEqual([]);
    expect(await pushes(id)).toHaveLength(2);

    values["bo-1-3"]!.push(0.45);
    await rewards(id, "bo-1-3", [0.45]);
    now += 5000;
    const report = await loop.runOnce(now);
    expect(report.errors).toEqual([]);
    expect(report.closed).toEqual([{ model_id: m.id, round: 1, next_round: 2, outcome: "complete" }]);

    const got = await t.json("GET", `/v1/bayesian-models/${m.id}`);
    expect(got.body.iterations.map((i: { iteration_number: number }) => i.iteration_number)).toEqual([1, 2, 3]);
    const ids = ["bo-1-1", "bo-1-2", "bo-1-3"];
    got.body.iterations.forEach((it: { observed_value: number; suggested_point: unknown }, k: number) => {
      expect(it.observed_value).toBeCloseTo(mean(values[ids[k]!]!), 12);
      expect(it.suggested_point).toEqual(p1.combinations[k]!.variable_values);
    });
    const noise = got.body.posterior_state.training_data.noise as number[];
    ids.forEach((c, k) => expect(noise[k]).toBeCloseTo(se2(values[c]!), 12));

    const bo = got.body.convergence_metrics.bo_loop;
    expect(bo.rounds[0]).toMatchObject({ round: 1, combination_ids: ids, outcome: "complete", iterations: [1, 2, 3], completed_at: new Date(now).toISOString() });
    expect(bo.rounds[0].points[1]).toMatchObject({ combination_id: "bo-1-2", n: 5 });
    expect(bo.rounds[0].points[1].standard_error).toBeCloseTo(Math.sqrt(se2(values["bo-1-2"]!)), 12);
    expect(bo.rounds[1]).toMatchObject({ round: 2, combination_ids: ["bo-2-1", "bo-2-2"], completed_at: null });
    expect(got.body.next_points).toHaveLength(2);

    const all = await pushes(id);
    expect(all).toHaveLength(3);
    const p2 = all[2]!;
    expect(p2.version).toBe(p1.version + 1);
    expect(p2.combinations.map((c) => c.combination_id)).toEqual(["bo-2-1", "bo-2-2"]);
    expect(p2.combinations.map((c) => c.variable_values)).toEqual(got.body.next_points.map((p: { point: unknown }) => p.point));

    // Idle until the new round has its rewards.
    expect((await loop.runOnce(now + 1000)).closed).toEqual([]);

    // Deactivating pushes the design's combinations again.
    const off = await t.json("PATCH", `/v1/bayesian-models/${m.id}`, { active: false });
    expect(off.status).toBe(200);
    const last = (await pushes(id)).at(-1)!;
    expect(last.version).toBe(p2.version + 1);
    expect(last.combinations[0]!.combination_id).not.toMatch(/^bo-/);
    // ... and another model may now be served, with round numbers continuing.
    const on2 = await t.json("PATCH", `/v1/bayesian-models/${other.id}`, { active: true });
    expect(on2.status).toBe(200);
    expect((await pushes(id)).at(-1)!.combinations[0]!.combination_id).toBe("bo-3-1");
  });

  it("closes a timed-out round with the points that have rewards", async () => {
    const id = await experiment();
    const m = await model(id, { max_round_seconds: 60, min_rewards_per_point: 100 });
    expect((await t.json("PATCH", `/v1/bayesian-models/${m.id}`, { active: true })).status).toBe(200);
    await rewards(id, "bo-1-2", [1, 2, 3]);
    expect((await loop.runOnce(now + 30_000)).closed).toEqual([]);
    const report = await loop.runOnce(now + 61_000);
    expect(report.closed).toEqual([{ model_id: m.id, round: 1, next_round: 2, outcome: "timeout" }]);
    const got = await t.json("GET", `/v1/bayesian-models/${m.id}`);
    expect(got.body.iterations).toHaveLength(1);
    expect(got.body.iterations[0].observed_value).toBeCloseTo(2, 12);
  });

  it("does nothing for a model that is not active or an experiment that is not Running", async () => {
    const running = await experiment();
    const inactive = await model(running);
    await rewards(running, "bo-1-1", [1, 1, 1, 1, 1]);
    const draft = await experiment(false);
    const waiting = await model(draft);
    const act = await t.json("PATCH", `/v1/bayesian-models/${waiting.id}`, { active: true });
    expect(act.status).toBe(200);
    expect(await pushes(draft)).toHaveLength(0); // Draft: no push until it runs
    for (const c of ["bo-1-1", "bo-1-2", "bo-1-3"]) await rewards(draft, c, [1, 2, 3, 4]);

    const report = await loop.runOnce(now + 10_000);
    expect(report.closed).toEqual([]);
    expect(report.examined).toBe(0);
    for (const mid of [inactive.id, waiting.id]) expect((await t.json("GET", `/v1/bayesian-models/${mid}`)).body.iterations).toHaveLength(0);
    expect(await pushes(running)).toHaveLength(1);

    // Once the experiment runs, its first push carries the active model's points.
    await t.json("POST", `/v1/experiments/${draft}/power-analysis`, { effect_size: 0.05, metric: { type: "binary", baseline_rate: 0.1 } });
    expect((await t.json("POST", `/v1/experiments/${draft}/transition`, { status: "Running" })).status).toBe(200);
    const first = (await pushes(draft))[0]!;
    expect(first.combinations.map((c) => c.combination_id)).toEqual(["bo-1-1", "bo-1-2", "bo-1-3"]);
  });

  it("reads its interval from MVX_BO_LOOP_INTERVAL_MS", () => {
    expect(boLoopIntervalFromEnv({})).toBe(60_000);
    expect(boLoopIntervalFromEnv({ MVX_BO_LOOP_INTERVAL_MS: "500" })).toBe(500);
    expect(boLoopIntervalFromEnv({ MVX_BO_LOOP_INTERVAL_MS: "nope" })).toBe(60_000);
  });
});
