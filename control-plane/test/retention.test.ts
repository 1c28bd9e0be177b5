// Retention keyed on when an experiment ended (services/retention.ts): ended_at is set by the
// transition to Completed or Draft -> Archived and kept afterwards; network graphs are pruned to
// their summary once the experiment has ended (not before) and the API answers for a pruned
// graph; model artifacts are kept 364 days after the end and cleared at 366. Clock injected.

import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPowerAnalysis } from "../src/db/repositories/experiments.js";
import { bayesianModels, modelPredictions, networkGraphs, spilloverMeasurements, statisticalModels } from "../src/db/schema/index.js";
import { createRetentionJob } from "../src/services/retention.js";
import { experimentBody, testApp, type TestApp, STORED_POWER_ANALYSIS } from "./helpers.js";
import { karateGraph } from "./fixtures/network-karate.js";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse("2026-11-24T12:00:00.000Z");
let now = T0;
let t: TestApp;
beforeAll(async () => {
  t = await testApp({ memoryOnly: true, clock: () => now });
});
afterAll(() => t.close());

const analysis = STORED_POWER_ANALYSIS;

async function draft(): Promise<string> {
  const { status, body } = await t.json("POST", "/v1/experiments", experimentBody());
  expect(status).toBe(201);
  expect(body.ended_at).toBeNull();
  await setPowerAnalysis(t.db, body.id, analysis, new Date(now).toISOString());
  return body.id;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function to(id: string, status: string): Promise<any> {
  const res = await t.json("POST", `/v1/experiments/${id}/transition`, { status });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe("experiments.ended_at", () => {
  it("is set by -> Completed and kept by Completed -> Archived", async () => {
    now = T0;
    const id = await draft();
    expect((await to(id, "Running")).ended_at).toBeNull();
    now = T0 + DAY;
    expect((await to(id, "Paused")).ended_at).toBeNull();
    now = T0 + 2 * DAY;
    const completed = await to(id, "Completed");
    expect(completed.ended_at).toBe(iso(T0 + 2 * DAY));
    now = T0 + 10 * DAY;
    const archived = await to(id, "Archived");
    expect(archived.status).toBe("Archived");
    expect(archived.updated_at).toBe(iso(T0 + 10 * DAY));
    expect(archived.ended_at).toBe(iso(T0 + 2 * DAY));
    expect((await t.json("GET", `/v1/experiments/${id}`)).body.ended_at).toBe(iso(T0 + 2 * DAY));
  });

  it("is set by Draft -> Archived (a never-run experiment ends there)", async () => {
    now = T0 + 3 * DAY;
    const id = await draft();
    expect((await to(id, "Archived")).ended_at).toBe(iso(T0 + 3 * DAY));
  });

  it("stays null through Running and Paused", async () => {
    now = T0;
    const id = await draft();
    await to(id, "Running");
    await to(id, "Paused");
    expect((await to(id, "Running")).ended_at).toBeNull();
  });
});

const spillover_model = { influence_decay: 0.5, threshold: 0.3 };

describe("network graphs: kept for the duration of the experiment", () => {
  it("prunes nodes and edges after the end (not before), keeps the summary and measurements, and the API answers", async () => {
    now = T0;
    const id = await draft();
    await to(id, "Running");
    const created = await t.json("POST", `/v1/experiments/${id}/network-graphs`, {
      graph_type: "Social",
      ...karateGraph(),
      clustering: { method: "louvain" },
      spillover_model,
      randomization_seed: 42,
    });
    expect(created.status).toBe(201);
    const graphId: string = created.body.id;
    const outcomes = created.body.nodes.map((n: { node_id: string }, k: number) => ({ node_id: n.node_id, value: (k % 3) + 1 }));
    const measured = await t.json("POST", `/v1/network-graphs/${graphId}/spillover`, { outcomes, replays: 100 });
    expect(measured.status, JSON.stringify(measured.body)).toBe(201);

    const job = createRetentionJob({ db: t.db });
    // Running: nothing is pruned.
    let report = await job.runOnce(T0 + DAY);
    expect(report.network_graphs_pruned).toBe(0);
    const full = await t.json("GET", `/v1/network-graphs/${graphId}`);
    expect(full.body.nodes).toHaveLength(34);
    expect(full.body.edges).toHaveLength(78);
    expect(full.body.pruned).toBeUndefined();

    now = T0 + 2 * DAY;
    await to(id, "Completed");
    // A pass before the end time does not prune.
    expect((await job.runOnce(T0 + DAY)).network_graphs_pruned).toBe(0);
    report = await job.runOnce(T0 + 3 * DAY);
    expect(report.network_graphs_pruned).toBe(1);
    expect((await job.runOnce(T0 + 4 * DAY)).network_graphs_pruned).toBe(0);

    const [row] = await t.db.select().from(networkGraphs).where(eq(networkGraphs.id, graphId));
    expect(row!.nodes).toEqual([]);
    expect(row!.edges).toEqual([]);
    expect(row!.clusters).toEqual(created.body.clusters);
    expect(row!.modularity).toBe(created.body.modularity);
    expect(row!.randomization_seed).toBe(42);
    expect(row!.spillover_model).toMatchObject({ ...spillover_model, design: { retained: "summary", pruned_at: iso(T0 + 3 * DAY) } });
    expect(await t.db.select().from(spilloverMeasurements).where(eq(spilloverMeasurements.graph_id, graphId))).toHaveLength(1);

    for (const q of ["", "?include=summary"]) {
      const g = await t.json("GET", `/v1/network-graphs/${graphId}${q}`);
      expect(g.status).toBe(200);
      expect(g.body).toMatchObject({
        id: graphId,
        pruned: true,
        pruned_at: iso(T0 + 3 * DAY),
        node_count: 34,
        edge_count: 78,
        clusters: created.body.clusters,
        modularity: created.body.modularity,
        spillover_model,
        randomization_seed: 42,
      });
      expect(g.body.nodes).toBeUndefined();
      expect(g.body.edges).toBeUndefined();
    }
    const listed = await t.json("GET", `/v1/experiments/${id}/network-graphs`);
    expect(listed.body.items[0].pruned).toBe(true);

    const again = await t.json("POST", `/v1/network-graphs/${graphId}/spillover`, { outcomes, replays: 100 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("graph_pruned");
    expect(again.body.error.message).toMatch(/pruned/);
    const measurements = await t.json("GET", `/v1/network-graphs/${graphId}/spillover`);
    expect(measurements.status).toBe(200);
    expect(measurements.body.total).toBe(1);
  });
});

describe("model artifacts: 1 year after the experiment ends", () => {
  async function endedWithModels(endedAt: number) {
    now = endedAt - DAY;
    const id = await draft();
    await to(id, "Running");
    now = endedAt;
    await to(id, "Completed");
    const statId = randomUUID();
    const bayesId = randomUUID();
    const predId = randomUUID();
    const at = iso(endedAt);
    await t.db.batch([
      t.db.insert(statisticalModels).values({
        id: statId,
        experiment_id: id,
        model_class: "MixedEffects",
        specification: { formula: "y ~ x + (1 | g)" },
        estimation_method: "MLE",
        fitted_parameters: { beta: [1, 2] },
        model_diagnostics: { aic: 10 },
        predictions: [{ row: 0, estimate: 1 }],
        uncertainty_quantification: { intervals: "95%" },
        status: "completed",
        progress: 1,
        computed_at: at,
        created_at: at,
      }),
      t.db.insert(modelPredictions).values({ id: predId, model_id: statId, prediction: { estimate: 1 }, created_at: at }),
      t.db.insert(bayesianModels).values({
        id: bayesId,
        experiment_id: id,
        model_type: "GaussianProcess",
        hyperparameters: { kernel: "matern52" },
        acquisition_function: "ExpectedImprovement",
        parameter_space: { parameters: [{ name: "x", bounds: [0, 1], scale: "linear" }] },
        posterior_state: { training_data: { X: [[0.5]], y: [1] } },
        convergence_metrics: { best: 1 },
        created_at: at,
        updated_at: at,
      }),
    ]);
    return { statId, bayesId, predId };
  }

  async function state(ids: { statId: string; bayesId: string; predId: string }) {
    const [stat] = await t.db.select().from(statisticalModels).where(eq(statisticalModels.id, ids.statId));
    const [bayes] = await t.db.select().from(bayesianModels).where(eq(bayesianModels.id, ids.bayesId));
    const preds = await t.db.select().from(modelPredictions).where(eq(modelPredictions.id, ids.predId));
    return { stat: stat!, bayes: bayes!, preds };
  }

  it("keeps them 364 days after the end and clears them at 366, keeping the summaries", async () => {
    const end = T0 + 20 * DAY;
    const ids = await endedWithModels(end);
    const job = createRetentionJob({ db: t.db });

    const kept = await job.runOnce(end + 364 * DAY);
    expect(kept.model_artifact_cutoff).toBe(iso(end - DAY));
    expect(kept.model_predictions).toBe(0);
    expect(kept.statistical_model_predictions).toBe(0);
    expect(kept.bayesian_posterior_states).toBe(0);
    let s = await state(ids);
    expect(s.preds).toHaveLength(1);
    expect(s.stat.predictions).toEqual([{ row: 0, estimate: 1 }]);
    expect(s.stat.uncertainty_quantification).toEqual({ intervals: "95%" });
    expect(s.bayes.posterior_state).toEqual({ training_data: { X: [[0.5]], y: [1] } });

    const cleared = await job.runOnce(end + 366 * DAY);
    expect(cleared.model_predictions).toBe(1);
    expect(cleared.statistical_model_predictions).toBe(1);
    expect(cleared.bayesian_posterior_states).toBe(1);
    s = await state(ids);
    expect(s.preds).toHaveLength(0);
    expect(s.stat).toMatchObject({
      predictions: null,
      uncertainty_quantification: null,
      fitted_parameters: { beta: [1, 2] },
      model_diagnostics: { aic: 10 },
      status: "completed",
    });
    expect(s.bayes).toMatchObject({ posterior_state: null, hyperparameters: { kernel: "matern52" }, convergence_metrics: { best: 1 } });
    // Idempotent.
    const again = await job.runOnce(end + 367 * DAY);
    expect([again.model_predictions, again.statistical_model_predictions, again.bayesian_posterior_states]).toEqual([0, 0, 0]);
    // The API still reads the models.
    expect((await t.json("GET", `/v1/statistical-models/${ids.statId}`)).status).toBe(200);
    const bayes = await t.json("GET", `/v1/bayesian-models/${ids.bayesId}`);
    expect(bayes.status).toBe(200);
    expect(bayes.body.posterior_state).toBeNull();
  });

  it("does not touch models of experiments that have not ended", async () => {
    now = T0;
    const id = await draft();
    await to(id, "Running");
    const statId = randomUUID();
    await t.db.insert(statisticalModels).values({
      id: statId,
      experiment_id: id,
      model_class: "MixedEffects",
      specification: { formula: "y ~ x" },
      estimation_method: "MLE",
      predictions: [{ row: 0 }],
      created_at: iso(T0),
    });
    await createRetentionJob({ db: t.db }).runOnce(T0 + 5 * 365 * DAY);
    const [stat] = await t.db.select().from(statisticalModels).where(eq(statisticalModels.id, statId));
    expect(stat!.predictions).toEqual([{ row: 0 }]);
  });
});
