// Spillover through HTTP (POST/GET /v1/network-graphs/:id/spillover) on a seeded simulation with
// known effects: a planted-partition graph (core's plantedPartitionGraph, 40 x 25 nodes, mixing
// 0.35 — the setting of core's spillover tests), the route's Louvain clusters and randomisation,
// and outcome = 1 + 2 treated + 1 exposed + N(0, 1) under the graph's exposure mapping, so the true
// direct effect is 2, the indirect 1 and the total 3 (Aronow & Samii 2017's contrasts).

import {
  buildNetworkGraph,
  createExposureModel,
  createRng,
  exposureConditions,
  normalDraw,
  plantedPartitionGraph,
  TREATED_EXPOSED,
  CONTROL_EXPOSED,
} from "@mvx/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detailPaths, experimentBody, testApp, type TestApp } from "./helpers.js";

let t: TestApp;
let experimentId: string;
const spillover_model = { influence_decay: 0.5, threshold: 0.5 };
const TRUTH = { direct_effect: 2, indirect_effect: 1, total_effect: 3 } as const;

beforeAll(async () => {
  // A clock that advances a second per reading, so that measurements have distinct timestamps.
  let now = Date.UTC(2026, 0, 1);
  t = await testApp({ memoryOnly: true, maxBodyBytes: 50 * 1024 * 1024, clock: () => (now += 1000) });
  experimentId = (await t.json("POST", "/v1/experiments", experimentBody())).body.id;
});
afterAll(() => t.close());

interface Created {
  id: string;
  clusters: { cluster_id: string; treatment: string }[];
  node_clusters: Record<string, string>;
}

/** The simulated outcomes under the route's actual design. */
function simulateOutcomes(input: ReturnType<typeof plantedPartitionGraph>, created: Created, seed: string) {
  const graph = buildNetworkGraph(input);
  const index = new Map(created.clusters.map((c, k) => [c.cluster_id, k]));
  const clusterOf = Int32Array.from(graph.nodeIds, (id) => index.get(created.node_clusters[id]!)!);
  const arms = Int32Array.from(created.clusters, (c) => (c.treatment === "control" ? 0 : 1));
  const actual = exposureConditions(createExposureModel(graph, spillover_model), clusterOf, arms);
  const noise = createRng(seed);
  return graph.nodeIds.map((node_id, i) => {
    const c = actual.conditions[i]!;
    const exposed = c === TREATED_EXPOSED || c === CONTROL_EXPOSED ? 1 : 0;
    return { node_id, value: 1 + 2 * actual.treated[i]! + exposed + normalDraw(noise) };
  });
}

describe("spillover measurements", () => {
  const input = plantedPartitionGraph({ communities: 40, communitySize: 25, averageDegree: 8, mixing: 0.35, rng: createRng("sim") });
  let created: Created;
  let outcomes: { node_id: string; value: number }[];

  beforeAll(async () => {
    const res = await t.json("POST", `/v1/experiments/${experimentId}/network-graphs`, {
      graph_type: "Social",
      ...input,
      clustering: { method: "louvain" },
      spillover_model,
      randomization_seed: 2024,
    });
    expect(res.status).toBe(201);
    created = res.body;
    outcomes = simulateOutcomes(input, created, "noise-0");
  });

  it("estimates direct, indirect and total effects whose 95% intervals contain the truth", async () => {
    const res = await t.json("POST", `/v1/network-graphs/${created.id}/spillover`, { outcomes });
    expect(res.status).toBe(201);
    const m = res.body;
    expect(m.graph_id).toBe(created.id);
    expect(m.estimator).toBe("hajek");
    expect(m.replays).toBe(1000);
    expect(Object.values(m.n_by_condition as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(1000);
    for (const [key, truth] of Object.entries(TRUTH)) {
      const e = m[key];
      expect(e.std_error, key).toBeGreaterThan(0);
      expect(e.ci_lower, `${key}: ${e.estimate} [${e.ci_lower}, ${e.ci_upper}]`).toBeLessThanOrEqual(truth);
      expect(e.ci_upper, `${key}: ${e.estimate} [${e.ci_lower}, ${e.ci_upper}]`).toBeGreaterThanOrEqual(truth);
      // 95% normal interval: estimate -+ 1.96 SE.
      expect(e.ci_upper - e.ci_lower).toBeCloseTo(2 * 1.959963984540054 * e.std_error, 8);
    }
    // affected_nodes: the control nodes exposed under the actual assignment.
    expect(m.affected_nodes.length).toBe(m.n_by_condition.control_exposed);
    const control = new Set(created.clusters.filter((c) => c.treatment === "control").map((c) => c.cluster_id));
    for (const id of m.affected_nodes) expect(control.has(created.node_clusters[id]!)).toBe(true);
    expect(m.outcomes).toEqual({ given: 1000, missing: 0 });
  });

  it("supports Horvitz-Thompson and excludes nodes without outcomes (counted in notes)", async () => {
    const res = await t.json("POST", `/v1/network-graphs/${created.id}/spillover`, {
      outcomes: outcomes.slice(0, 990),
      estimator: "horvitz-thompson",
      replays: 500,
    });
    expect(res.status).toBe(201);
    expect(res.body.estimator).toBe("horvitz-thompson");
    expect(res.body.replays).toBe(500);
    expect(res.body.outcomes).toEqual({ given: 990, missing: 10 });
    expect(res.body.notes.some((n: string) => n.startsWith("10 of 1000 nodes have no outcome"))).toBe(true);
    expect(Object.values(res.body.n_by_condition as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(990);
  });

  it("is reproducible: the same outcomes give the same effects", async () => {
    const a = await t.json("POST", `/v1/network-graphs/${created.id}/spillover`, { outcomes, replays: 200 });
    const b = await t.json("POST", `/v1/network-graphs/${created.id}/spillover`, { outcomes, replays: 200 });
    expect(b.body.direct_effect).toEqual(a.body.direct_effect);
    expect(b.body.total_effect).toEqual(a.body.total_effect);
  });

  it("lists the measurements in time order", async () => {
    const list = await t.json("GET", `/v1/network-graphs/${created.id}/spillover`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(4);
    const stamps = list.body.items.map((m: { timestamp: string }) => m.timestamp);
    expect([...stamps].sort()).toEqual(stamps);
    expect(list.body.items[0].direct_effect.ci_lower).toEqual(expect.any(Number));
    expect(list.body.items[1].estimator).toBe("horvitz-thompson");
    expect((await t.json("GET", "/v1/network-graphs/6f0c1c1e-8a3b-4c55-9d0e-2b7f4f9b1a10/spillover")).status).toBe(404);
  });

  it("rejects outcomes for unknown nodes (422 naming them) and bad requests", async () => {
    const path = `/v1/network-graphs/${created.id}/spillover`;
    const unknown = await t.json("POST", path, { outcomes: [outcomes[0], { node_id: "stranger", value: 1 }] });
    expect(unknown.status).toBe(422);
    expect(detailPaths(unknown.body)).toEqual(["outcomes.1.node_id"]);
    expect(unknown.body.error.message).toContain("stranger");
    const dup = await t.json("POST", path, { outcomes: [outcomes[0], outcomes[0]] });
    expect(dup.status).toBe(422);
    expect(detailPaths(dup.body)).toEqual(["outcomes.1.node_id"]);
    expect((await t.json("POST", path, { outcomes: [] })).status).toBe(400);
    expect((await t.json("POST", path, { outcomes, estimator: "ols" })).status).toBe(400);
    expect((await t.json("POST", path, { outcomes, replays: 5 })).status).toBe(400);
    expect((await t.json("POST", "/v1/network-graphs/6f0c1c1e-8a3b-4c55-9d0e-2b7f4f9b1a10/spillover", { outcomes })).status).toBe(404);
  });
});
