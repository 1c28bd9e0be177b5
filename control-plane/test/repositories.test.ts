// Repository tests against real libSQL: `:memory:` by default, a libSQL server (sqld) when
// MVX_TEST_DATABASE_URL is set. The server database is shared with other test files, so every test
// uses fresh ids and looks only at its own rows.

import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../src/db/client.js";
import { activeBanditConfigs, insertEvents, listAssignments, listResults, summarize } from "../src/db/repositories/events.js";
import {
  findExperiment,
  insertExperiment,
  listExperiments,
  setPowerAnalysis,
  transitionExperiment,
  updateExperiment,
  type ExperimentRecord,
} from "../src/db/repositories/experiments.js";
import { markDelivered, markFailed, nextPending, pendingHeads, syncStatus } from "../src/db/repositories/outbox.js";
import {
  banditAllocations,
  banditConfigurations,
  bayesianModels,
  experimentObservations,
  experiments,
  modelPredictions,
  networkGraphs,
  optimizationIterations,
  regretMetrics,
  spilloverMeasurements,
  statisticalModels,
  syncOutbox,
} from "../src/db/schema/index.js";
import { fullFactorial } from "../src/services/design.js";
import { ingestEdgeEvents } from "../src/services/edge-events.js";
import { testDatabaseUrl, testDb } from "./helpers.js";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});
afterAll(() => db.$client.close());

const T0 = "2026-11-24T12:00:00.000Z";

function record(overrides: Partial<ExperimentRecord> = {}): ExperimentRecord {
  const id = randomUUID();
  const variables = [
    { name: "color", levels: ["red", "blue"], type: "categorical" as const },
    { name: "size", levels: [1, 2], type: "continuous" as const },
  ];
  return {
    id,
    name: "repo test",
    description: null,
    status: "Draft",
    kind: "multivariate",
    design_type: "FullFactorial",
    variables,
    combinations: fullFactorial(variables),
    interaction_matrix: [],
    design_options: null,
    design_properties: null,
    power_analysis: null,
    allocation_version: 0,
    hash_salt: id,
    context_schema: null,
    created_at: T0,
    updated_at: T0,
    ended_at: null,
    ...overrides,
  };
}

describe(`experiments repository (${testDatabaseUrl()})`, () => {
  it("round-trips the aggregate with its JSON columns", async () => {
    const r = record({ design_options: { seed: 3, generators: ["D=ABC"] }, interaction_matrix: [["color", "size"]] });
    await insertExperiment(db, r);
    expect(await findExperiment(db, r.id)).toEqual(r);
    expect(await findExperiment(db, randomUUID())).toBeUndefined();
  });

  it("lists newest first with a status filter and a total", async () => {
    const older = record({ created_at: "2000-01-01T00:00:00.000Z", status: "Paused" });
    const newer = record({ created_at: "2000-01-02T00:00:00.000Z", status: "Paused" });
    await insertExperiment(db, older);
    await insertExperiment(db, newer);
    const { items, total } = await listExperiments(db, { status: "Paused", limit: 500, offset: 0 });
    const ids = items.map((e) => e.id);
    expect(ids.indexOf(newer.id)).toBeLessThan(ids.indexOf(older.id));
    expect(ids.indexOf(older.id)).toBeGreaterThanOrEqual(0);
    expect(items.every((e) => e.status === "Paused")).toBe(true);
    expect(total).toBeGreaterThanOrEqual(2);
  });

  it("applies design changes only while Draft", async () => {
    const r = record();
    await insertExperiment(db, r);
    const design = {
      design_type: "FullFactorial" as const,
      variables: r.variables.slice(0, 1),
      combinations: fullFactorial(r.variables.slice(0, 1)),
      interaction_matrix: [],
      design_options: null,
      design_properties: null,
      power_analysis: null,
    };
    expect(await updateExperiment(db, r.id, { design, name: "edited" }, T0)).toBe(true);
    expect((await findExperiment(db, r.id))?.combinations).toHaveLength(2);
    await db.update(experiments).set({ status: "Running" }).where(eq(experiments.id, r.id));
    expect(await updateExperiment(db, r.id, { design }, T0)).toBe(false);
    expect(await updateExperiment(db, r.id, { name: "renamed" }, T0)).toBe(true);
    expect((await findExperiment(db, r.id))?.name).toBe("renamed");
  });

  it("transitions with compare-and-set and enqueues the push in the same transaction", async () => {
    const r = record();
    await insertExperiment(db, r);
    await setPowerAnalysis(
      db,
      r.id,
      {
        effect_size: 1,
        power: 0.8,
        alpha: 0.05,
        metric: { type: "continuous", sd: 1 },
        target: "main_effects",
        test: "two_means",
        n_per_group: 16.7,
        required_sample_size: 34,
        per_combination: [],
        method: "fixture",
        computed_at: T0,
      },
      T0,
    );
    const cmd = { id: r.id, from: "Draft" as const, to: "Running" as const, expectedVersion: 0, hashVersion: 1, now: T0 };
    expect(await transitionExperiment(db, cmd)).toBe(true);
    // The same command again is stale: nothing changes, nothing is enqueued.
    expect(await transitionExperiment(db, cmd)).toBe(false);
    expect(await transitionExperiment(db, { ...cmd, from: "Running", to: "Paused", expectedVersion: 0 })).toBe(false);
    expect(await transitionExperiment(db, { ...cmd, from: "Running", to: "Paused", expectedVersion: 1 })).toBe(true);
    const after = await findExperiment(db, r.id);
    expect(after?.status).toBe("Paused");
    expect(after?.allocation_version).toBe(2);
    const rows = await db.select().from(syncOutbox).where(eq(syncOutbox.experiment_id, r.id));
    expect(rows.map((x) => [x.version, (x.payload as { status: string }).status])).toEqual([
      [1, "Running"],
      [2, "Paused"],
    ]);
    expect(rows[0]?.payload).toEqual({
      experiment_id: r.id,
      version: 1,
      status: "Running",
      hash_version: 1,
      salt: r.id,
      combinations: r.combinations,
      issued_at: T0,
    });
  });

  it("of two racing transitions from the same read, exactly one wins and one push is enqueued", async () => {
    const r = record({ status: "Running", allocation_version: 1 });
    await insertExperiment(db, r);
    const base = { id: r.id, from: "Running" as const, expectedVersion: 1, hashVersion: 1, now: T0 };
    const results = await Promise.all([
      transitionExperiment(db, { ...base, to: "Paused" }),
      transitionExperiment(db, { ...base, to: "Completed" }),
      transitionExperiment(db, { ...base, to: "Paused" }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const after = await findExperiment(db, r.id);
    expect(after?.allocation_version).toBe(2);
    const rows = await db.select().from(syncOutbox).where(eq(syncOutbox.experiment_id, r.id));
    expect(rows).toHaveLength(1);
    expect((rows[0]?.payload as { status: string }).status).toBe(after?.status);
  });

  it("refuses an unknown status at the database level (check constraint)", async () => {
    const r = record();
    await expect(insertExperiment(db, { ...r, status: "Live" as never })).rejects.toThrow();
    expect(await findExperiment(db, r.id)).toBeUndefined();
  });
});

describe(`outbox repository (${testDatabaseUrl()})`, () => {
  async function withEntries(n: number): Promise<string> {
    const r = record({ status: "Running" });
    await insertExperiment(db, r);
    for (let v = 1; v <= n; v++) {
      await db.insert(syncOutbox).values({
        experiment_id: r.id,
        kind: "allocation",
        version: v,
        payload: { version: v },
        next_attempt_at: T0,
        created_at: T0,
      });
    }
    return r.id;
  }

  it("returns only the head of each experiment's queue", async () => {
    const a = await withEntries(3);
    const b = await withEntries(2);
    const heads = (await pendingHeads(db, 10_000)).filter((h) => h.experiment_id === a || h.experiment_id === b);
    expect(heads.map((h) => [h.experiment_id, h.version])).toEqual([
      [a, 1],
      [b, 1],
    ]);
    const headA = heads[0]!;
    await markDelivered(db, headA.id, T0);
    expect((await nextPending(db, a))?.version).toBe(2);
    const again = (await pendingHeads(db, 10_000)).filter((h) => h.experiment_id === a);
    expect(again.map((h) => h.version)).toEqual([2]);
  });

  it("records failures and reports the sync status", async () => {
    const a = await withEntries(2);
    const head = (await nextPending(db, a))!;
    await markFailed(db, head.id, "HTTP 503", "2026-11-24T12:00:01.000Z");
    await markFailed(db, head.id, "HTTP 502", "2026-11-24T12:00:02.000Z");
    expect(await syncStatus(db, a)).toEqual({
      pending: 2,
      attempts: 2,
      last_error: "HTTP 502",
      next_attempt_at: "2026-11-24T12:00:02.000Z",
      delivered_version: null,
      last_delivered_at: null,
    });
    await markDelivered(db, head.id, "2026-11-24T12:00:03.000Z");
    expect(await syncStatus(db, a)).toMatchObject({ pending: 1, attempts: 0, last_error: null, delivered_version: 1 });
  });

  it("one entry per experiment and version", async () => {
    const a = await withEntries(1);
    await expect(
      db.insert(syncOutbox).values({ experiment_id: a, kind: "allocation", version: 1, payload: {}, next_attempt_at: T0, created_at: T0 }),
    ).rejects.toThrow();
  });
});

describe(`event-log repository (${testDatabaseUrl()})`, () => {
  it("inserts decisions and rewards once, counts, pages and summarises", async () => {
    const r = record({ status: "Running" });
    await insertExperiment(db, r);
    const d = randomUUID();
    const evt = `evt-${randomUUID()}`;
    const body = {
      experiment_id: r.id,
      events: [
        { type: "decision" as const, decision_id: d, unit_id: "u", combination_id: "c01", probability: 0.25, decided_at: T0 },
        { type: "reward" as const, event_id: evt, decision_id: d, combination_id: "c01", reward: 2 },
        { type: "reward" as const, event_id: `evt-${randomUUID()}`, experiment_id: randomUUID(), reward: 1 },
      ],
    };
    expect(await ingestEdgeEvents(db, body, T0)).toEqual({ accepted: 2, duplicates: 0, unknown: 1 });
    expect(await ingestEdgeEvents(db, body, T0)).toEqual({ accepted: 0, duplicates: 2, unknown: 1 });
    const a = await listAssignments(db, r.id, { limit: 10, offset: 0 });
    expect(a.total).toBe(1);
    expect(a.items[0]).toMatchObject({ decision_id: d, arm_id: "c01", probability: 0.25, context: null });
    const res = await listResults(db, r.id, { limit: 10, offset: 0 });
    expect(res.items[0]).toMatchObject({ event_id: evt, value: 2, metric: "reward", occurred_at: T0, received_at: T0 });
    expect(await summarize(db, r.id)).toEqual([{ combination_id: "c01", assignments: 1, rewards: 1, reward_sum: 2 }]);
    expect(await insertEvents(db, { assignments: [], results: [], banditAllocations: [], banditRewards: [], driftEvents: [] })).toEqual({ inserted: 0 });
  });

  it("logs bandit decisions as bandit allocations when the experiment has an active configuration", async () => {
    const r = record({ status: "Running" });
    await insertExperiment(db, r);
    const configId = randomUUID();
    await db.insert(banditConfigurations).values({
      id: configId,
      experiment_id: r.id,
      algorithm: "ThompsonSampling",
      exploration_rate: 0.1,
      arm_definitions: [
        { arm_id: "c01", configuration: {} },
        { arm_id: "c02", configuration: {} },
      ],
      update_frequency: 60,
      regret_threshold: 0.05,
      is_active: true,
      created_at: T0,
    });
    expect((await activeBanditConfigs(db, [r.id])).get(r.id)).toBe(configId);
    const d = randomUUID();
    await ingestEdgeEvents(
      db,
      {
        experiment_id: r.id,
        events: [
          { type: "decision", decision_id: d, unit_id: "u", arm_id: "c02", probability: 0.7, algorithm: "ThompsonSampling", context: { user: { country: "FR" } } },
          { type: "reward", event_id: `evt-${randomUUID()}`, decision_id: d, reward: 1 },
        ],
      },
      T0,
    );
    const rows = await db.select().from(banditAllocations).where(eq(banditAllocations.bandit_config_id, configId));
    expect(rows).toEqual([
      {
        id: expect.any(String),
        bandit_config_id: configId,
        decision_id: d,
        timestamp: T0,
        arm_probabilities: { c02: 0.7 },
        selected_arm: "c02",
        reward: 1,
        context: { user: { country: "FR" } },
      },
    ]);
  });
});

describe(`tables of the later aggregates exist with their constraints (${testDatabaseUrl()})`, () => {
  it("accepts a row in every table and cascades deletes from the experiment", async () => {
    const r = record();
    await insertExperiment(db, r);
    const banditId = randomUUID();
    const modelId = randomUUID();
    const graphId = randomUUID();
    const statId = randomUUID();
    await db.batch([
      db.insert(banditConfigurations).values({
        id: banditId,
        experiment_id: r.id,
        algorithm: "UCB",
        exploration_rate: 0.5,
        context_features: { user_features: ["country"], content_features: [] },
        arm_definitions: [],
        update_frequency: 10,
        regret_threshold: 0.1,
        non_stationary_params: { window_size: 100, drift_threshold: 0.2 },
        is_active: false,
        created_at: T0,
      }),
      db.insert(regretMetrics).values({
        id: randomUUID(),
        bandit_config_id: banditId,
        timestamp: T0,
        cumulative_regret: 1.5,
        expected_loss: 0.01,
        prob_best: { a: 0.9 },
        arm_estimates: { a: { mean: 0.1 } },
        winner: null,
      }),
      db.insert(bayesianModels).values({
        id: modelId,
        experiment_id: r.id,
        model_type: "GaussianProcess",
        hyperparameters: { kernel: "matern52" },
        acquisition_function: "ExpectedImprovement",
        parameter_space: { parameters: [{ name: "x", bounds: [0, 1], scale: "linear" }] },
        created_at: T0,
        updated_at: T0,
      }),
      db.insert(optimizationIterations).values({ id: randomUUID(), model_id: modelId, iteration_number: 1, suggested_point: { x: 0.5 }, created_at: T0 }),
      db.insert(networkGraphs).values({
        id: graphId,
        experiment_id: r.id,
        graph_type: "Social",
        nodes: [{ node_id: "a" }],
        edges: [],
        clusters: [{ cluster_id: "k1", size: 1, treatment: "control" }],
        spillover_model: { influence_decay: 0.5, threshold: 0.1 },
        randomization_seed: 42,
        modularity: 0,
        created_at: T0,
      }),
      db.insert(spilloverMeasurements).values({
        id: randomUUID(),
        graph_id: graphId,
        timestamp: T0,
        direct_effect: 1,
        indirect_effect: 0.2,
        total_effect: 1.2,
        affected_nodes: ["a"],
        details: { direct_effect: { std_error: 0.1 } },
      }),
      db.insert(statisticalModels).values({
        id: statId,
        experiment_id: r.id,
        model_class: "MixedEffects",
        specification: { formula: "Reaction ~ Days + (Days | Subject)" },
        estimation_method: "MLE",
        created_at: T0,
      }),
      db.insert(modelPredictions).values({ id: randomUUID(), model_id: statId, prediction: { estimate: 1 }, created_at: T0 }),
      db.insert(experimentObservations).values({ experiment_id: r.id, row: { y: 1, x: "a" }, created_at: T0 }),
    ]);
    const [stat] = await db.select().from(statisticalModels).where(eq(statisticalModels.id, statId));
    expect(stat).toMatchObject({ status: "queued", progress: 0, error: null });

    // Sequential iterations: the same number twice is refused.
    await expect(
      db.insert(optimizationIterations).values({ id: randomUUID(), model_id: modelId, iteration_number: 1, suggested_point: {}, created_at: T0 }),
    ).rejects.toThrow();
    // Enum and range checks.
    await expect(
      db.insert(banditConfigurations).values({
        id: randomUUID(),
        experiment_id: r.id,
        algorithm: "UCB",
        exploration_rate: 1.5,
        arm_definitions: [],
        update_frequency: 1,
        regret_threshold: 0,
        created_at: T0,
      }),
    ).rejects.toThrow();
    // Foreign keys are enforced.
    await expect(
      db.insert(modelPredictions).values({ id: randomUUID(), model_id: randomUUID(), prediction: {}, created_at: T0 }),
    ).rejects.toThrow();

    await db.delete(experiments).where(eq(experiments.id, r.id));
    const left = await db.all<{ n: number }>(sql`
      SELECT (SELECT count(*) FROM bandit_configurations WHERE id = ${banditId})
           + (SELECT count(*) FROM bayesian_models WHERE id = ${modelId})
           + (SELECT count(*) FROM network_graphs WHERE id = ${graphId})
           + (SELECT count(*) FROM statistical_models WHERE id = ${statId})
           + (SELECT count(*) FROM experiment_observations WHERE experiment_id = ${r.id})
           + (SELECT count(*) FROM multivariate_experiments WHERE experiment_id = ${r.id}) AS n`);
    expect(left[0]?.n).toBe(0);
  });
});
