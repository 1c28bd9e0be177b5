// A 10K-node, 75K-edge graph through HTTP (DATA-MODEL.md: 10K+ node graphs, ~1 MB per 10K nodes,
// spillover < 10 s): created as JSON, stored compactly (core's graph codec, base64, inside the
// edges JSON column), read back edge for edge, and measured. Times are printed, never asserted.

import { createRng, plantedPartitionGraph } from "@mvx/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedGraphBytes } from "../src/db/repositories/network-graphs.js";
import { experimentBody, testApp, type TestApp } from "./helpers.js";

let t: TestApp;
let experimentId: string;

beforeAll(async () => {
  t = await testApp({ memoryOnly: true, maxBodyBytes: 50 * 1024 * 1024 });
  experimentId = (await t.json("POST", "/v1/experiments", experimentBody())).body.id;
});
afterAll(() => t.close());

describe("a 10K-node, 75K-edge graph", () => {
  // 400 communities of 25, average degree 15: 75,000 edges; weights in {0.01, ..., 1}.
  const input = plantedPartitionGraph({ communities: 400, communitySize: 25, averageDegree: 15, mixing: 0.2, rng: createRng("large") });
  const wrng = createRng("large-weights");
  const edges = input.edges.map((e) => ({ source: e.source, target: e.target, weight: Math.ceil(wrng() * 100) / 100 }));
  let id: string;

  it("is created through HTTP and stored compactly", { timeout: 120_000 }, async () => {
    expect(input.nodes).toHaveLength(10_000);
    expect(edges).toHaveLength(75_000);
    const started = performance.now();
    const res = await t.json("POST", `/v1/experiments/${experimentId}/network-graphs`, {
      graph_type: "Behavioral",
      nodes: input.nodes,
      edges,
      clustering: { method: "louvain" },
      spillover_model: { influence_decay: 0.5, threshold: 0.5 },
      randomization_seed: 11,
    });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(201);
    id = res.body.id;
    expect(res.body.node_count).toBe(10_000);
    expect(res.body.edge_count).toBe(75_000);
    expect(res.body.nodes).toHaveLength(10_000);
    expect(res.body.clusters.reduce((s: number, c: { size: number }) => s + c.size, 0)).toBe(10_000);
    expect(res.body.modularity).toBeGreaterThan(0.5);
    const bytes = (await storedGraphBytes(t.db, id))!;
    console.log(`10K nodes / 75K edges: POST ${elapsed.toFixed(0)} ms, stored ${(bytes / 1e6).toFixed(2)} MB`);
    // The data model's budget: ~1 MB per 10K nodes (plain JSON edges alone would take ~4 MB).
    expect(bytes).toBeLessThan(1_000_000);
  });

  it("reads back every edge and its weight, and a summary without them", { timeout: 60_000 }, async () => {
    const full = await t.json("GET", `/v1/network-graphs/${id}`);
    expect(full.status).toBe(200);
    expect(full.body.edges).toHaveLength(75_000);
    const key = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
    const stored = new Map<string, number>(full.body.edges.map((e: { source: string; target: string; weight: number }) => [key(e.source, e.target), e.weight]));
    for (const e of edges) expect(stored.get(key(e.source, e.target))).toBe(e.weight);
    const summary = await t.json("GET", `/v1/network-graphs/${id}?include=summary`);
    expect(summary.body.edges).toBeUndefined();
    expect(summary.body.nodes).toBeUndefined();
    expect(summary.body.edge_count).toBe(75_000);
  });

  it("measures spillover on it", { timeout: 120_000 }, async () => {
    const orng = createRng("large-outcomes");
    const outcomes = input.nodes.map((n) => ({ node_id: n.node_id, value: orng() }));
    const started = performance.now();
    const res = await t.json("POST", `/v1/network-graphs/${id}/spillover`, { outcomes });
    console.log(`10K nodes spillover (default 1000 replays): ${(performance.now() - started).toFixed(0)} ms`);
    expect(res.status).toBe(201);
    expect(Object.values(res.body.n_by_condition as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(res.body.total_effect.std_error).toEqual(expect.any(Number));
  });
});
