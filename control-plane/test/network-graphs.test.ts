// Network-graph routes through HTTP (API.md "Networks"): Zachary's karate club clustered by Louvain
// (modularity in the literature range, a partition of all 34 nodes, reproducible by seed, balanced
// arms), the text/csv form, reads and lists, and every validation rule (422 naming the node or
// edge, 400 naming the query field).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detailPaths, experimentBody, testApp, type TestApp } from "./helpers.js";
import { karateCsv, karateGraph } from "./fixtures/network-karate.js";

let t: TestApp;
let experimentId: string;

beforeAll(async () => {
  t = await testApp({ memoryOnly: true });
  const created = await t.json("POST", "/v1/experiments", experimentBody());
  expect(created.status).toBe(201);
  experimentId = created.body.id;
});
afterAll(() => t.close());

const spillover_model = { influence_decay: 0.5, threshold: 0.3 };
const graphsPath = () => `/v1/experiments/${experimentId}/network-graphs`;
function karateBody(overrides: Record<string, unknown> = {}) {
  return { graph_type: "Social", ...karateGraph(), clustering: { method: "louvain" }, spillover_model, randomization_seed: 42, ...overrides };
}
const csvHeaders = { "content-type": "text/csv" };

describe("POST /v1/experiments/:id/network-graphs (karate club, Louvain)", () => {
  it("clusters all 34 nodes with modularity in the literature range and balanced arms", async () => {
    const res = await t.json("POST", graphsPath(), karateBody());
    expect(res.status).toBe(201);
    const g = res.body;
    expect(g.experiment_id).toBe(experimentId);
    expect(g.graph_type).toBe("Social");
    // Zachary's karate club: Louvain modularity 0.37-0.42 (maximum 0.4198, Brandes et al. 2008).
    expect(g.modularity).toBeGreaterThanOrEqual(0.37);
    expect(g.modularity).toBeLessThanOrEqual(0.42);
    expect(g.components).toEqual({ count: 1, sizes: [34] });
    expect(g.node_count).toBe(34);
    expect(g.edge_count).toBe(78);
    expect(g.treatments).toEqual(["control", "treatment"]);
    expect(g.spillover_model).toEqual(spillover_model);
    expect(g.randomization_seed).toBe(42);
    // Clusters partition all nodes: sizes sum to 34, each node in exactly one listed cluster.
    const ids = new Set(g.clusters.map((c: { cluster_id: string }) => c.cluster_id));
    expect(ids.size).toBe(g.clusters.length);
    expect(g.clusters.reduce((s: number, c: { size: number }) => s + c.size, 0)).toBe(34);
    expect(g.nodes).toHaveLength(34);
    for (const n of g.nodes) {
      expect(ids.has(n.cluster_id)).toBe(true);
      expect(g.node_clusters[n.node_id]).toBe(n.cluster_id);
    }
    for (const c of g.clusters) expect(g.nodes.filter((n: { cluster_id: string }) => n.cluster_id === c.cluster_id)).toHaveLength(c.size);
    expect(g.nodes[0].attributes).toEqual({ club: "Mr. Hi" });
    // Balanced: complete randomisation of clusters gives the arms floor or ceil of K / 2 clusters.
    const treated = g.clusters.filter((c: { treatment: string }) => c.treatment === "treatment").length;
    const control = g.clusters.filter((c: { treatment: string }) => c.treatment === "control").length;
    expect(Math.abs(treated - control)).toBeLessThanOrEqual(1);
    expect(g.edges).toBeUndefined();
  });

  it("is reproducible by seed", async () => {
    const a = await t.json("POST", graphsPath(), karateBody({ randomization_seed: 7 }));
    const b = await t.json("POST", graphsPath(), karateBody({ randomization_seed: 7 }));
    expect(a.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.clusters).toEqual(a.body.clusters);
    expect(b.body.node_clusters).toEqual(a.body.node_clusters);
    expect(b.body.modularity).toBe(a.body.modularity);
  });

  it("supports components and given clustering and custom treatments", async () => {
    const comps = await t.json("POST", graphsPath(), karateBody({ clustering: { method: "components" } }));
    expect(comps.status).toBe(201);
    expect(comps.body.clusters).toHaveLength(1);
    expect(comps.body.clusters[0].size).toBe(34);

    const g = karateGraph();
    const nodes = g.nodes.map((n) => ({ ...n, attributes: { ...n.attributes, cluster_id: n.attributes.club === "Mr. Hi" ? "hi" : "officer" } }));
    const given = await t.json("POST", graphsPath(), karateBody({ nodes, clustering: { method: "given" }, treatments: ["off", "on"] }));
    expect(given.status).toBe(201);
    expect(given.body.clusters.map((c: { cluster_id: string }) => c.cluster_id).sort()).toEqual(["hi", "officer"]);
    expect(given.body.clusters.map((c: { treatment: string }) => c.treatment).sort()).toEqual(["off", "on"]);
    expect(given.body.node_clusters["0"]).toBe("hi");
    expect(given.body.treatments).toEqual(["off", "on"]);
    // Modularity of the two factions with networkx's `club` labels: 0.3582347140039433
    // (networkx.community.modularity on zacharydat; the value core's clustering test pins).
    expect(given.body.modularity).toBeCloseTo(0.3582347140039433, 12);
  });

  it("identifies the components of a disconnected graph (isolated nodes included)", async () => {
    const res = await t.json("POST", graphsPath(), {
      graph_type: "Geographic",
      nodes: ["a", "b", "c", "d", "e"].map((node_id) => ({ node_id })),
      edges: [
        { source: "a", target: "b", weight: 0.5 },
        { source: "c", target: "d" },
      ],
      clustering: { method: "components" },
      spillover_model,
      randomization_seed: 3,
      stratify_by_size: true,
    });
    expect(res.status).toBe(201);
    expect(res.body.components).toEqual({ count: 3, sizes: [2, 2, 1] });
    expect(res.body.clusters.map((c: { size: number }) => c.size).sort()).toEqual([1, 2, 2]);
    expect(res.body.randomization).toBe("stratified_by_size");
    expect(res.body.node_clusters.a).toBe(res.body.node_clusters.b);
    expect(res.body.node_clusters.a).not.toBe(res.body.node_clusters.c);
    const full = await t.json("GET", `/v1/network-graphs/${res.body.id}`);
    expect(full.body.edges).toEqual([
      { source: "a", target: "b", weight: 0.5 },
      { source: "c", target: "d", weight: 1 },
    ]);
  });

  it("draws a seed when none is given", async () => {
    const res = await t.json("POST", graphsPath(), karateBody({ randomization_seed: undefined }));
    expect(res.status).toBe(201);
    expect(Number.isInteger(res.body.randomization_seed)).toBe(true);
  });
});

describe("text/csv edge list", () => {
  it("derives the nodes from the edge list and takes the other fields from the query", async () => {
    const q = "graph_type=Social&clustering=louvain&resolution=1&randomization_seed=42&influence_decay=0.5&threshold=0.3";
    const res = await t.json("POST", `${graphsPath()}?${q}`, karateCsv(), csvHeaders);
    expect(res.status).toBe(201);
    expect(res.body.node_count).toBe(34);
    expect(res.body.edge_count).toBe(78);
    expect(res.body.nodes).toHaveLength(34);
    expect(res.body.modularity).toBeGreaterThanOrEqual(0.37);
    expect(res.body.modularity).toBeLessThanOrEqual(0.42);
    expect(res.body.clustering).toEqual({ method: "louvain", resolution: 1 });
    expect(res.body.spillover_model).toEqual(spillover_model);
    const again = await t.json("POST", `${graphsPath()}?${q}`, karateCsv(), csvHeaders);
    expect(again.body.node_clusters).toEqual(res.body.node_clusters);
  });

  it("answers 400 naming the query field", async () => {
    const base = { graph_type: "Social", influence_decay: "0.5", threshold: "0.3" };
    const cases: [Record<string, string>, string][] = [
      [{ ...base, graph_type: "" }, "graph_type"],
      [{ influence_decay: "0.5", threshold: "0.3" }, "graph_type"],
      [{ ...base, graph_type: "Friends" }, "graph_type"],
      [{ ...base, threshold: "abc" }, "threshold"],
      [{ graph_type: "Social", threshold: "0.3" }, "influence_decay"],
      [{ ...base, clustering: "kmeans" }, "clustering"],
      [{ ...base, resolution: "x" }, "resolution"],
      [{ ...base, randomization_seed: "1.5" }, "randomization_seed"],
    ];
    for (const [query, field] of cases) {
      const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== "")).toString();
      const res = await t.json("POST", `${graphsPath()}?${qs}`, karateCsv(), csvHeaders);
      expect(res.status, qs).toBe(400);
      expect(detailPaths(res.body), qs).toContain(field);
    }
  });

  it("rejects a wrong header (400) and bad rows (422 naming the edge)", async () => {
    const q = "graph_type=Social&influence_decay=0.5&threshold=0.3&randomization_seed=1";
    const header = await t.json("POST", `${graphsPath()}?${q}`, "from,to,w\na,b,1\n", csvHeaders);
    expect(header.status).toBe(400);
    const weight = await t.json("POST", `${graphsPath()}?${q}`, "source,target,weight\na,b,1\nb,c,1.5\n", csvHeaders);
    expect(weight.status).toBe(422);
    expect(detailPaths(weight.body)).toEqual(["edges.1.weight"]);
    const nan = await t.json("POST", `${graphsPath()}?${q}`, "source,target,weight\na,b,heavy\n", csvHeaders);
    expect(nan.status).toBe(422);
    expect(detailPaths(nan.body)).toEqual(["edges.0.weight"]);
    const fields = await t.json("POST", `${graphsPath()}?${q}`, "source,target,weight\r\na,b,1\r\nb,c\r\n", csvHeaders);
    expect(fields.status).toBe(422);
    expect(detailPaths(fields.body)).toEqual(["edges.1"]);
    const empty = await t.json("POST", `${graphsPath()}?${q}`, "source,target,weight\n", csvHeaders);
    expect(empty.status).toBe(422);
  });
});

describe("validation rules (422 naming the node or edge)", () => {
  async function pathsOf(body: Record<string, unknown>, status = 422): Promise<string[]> {
    const res = await t.json("POST", graphsPath(), body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return detailPaths(res.body);
  }
  const edgesWith = (k: number, patch: Record<string, unknown>) => karateGraph().edges.map((e, i) => (i === k ? { ...e, ...patch } : e));

  it("edge weights in [0, 1]", async () => {
    expect(await pathsOf(karateBody({ edges: edgesWith(12, { weight: 1.5 }) }))).toEqual(["edges.12.weight"]);
    expect(await pathsOf(karateBody({ edges: edgesWith(3, { weight: -0.1 }) }))).toEqual(["edges.3.weight"]);
  });

  it("node ids unique and non-empty", async () => {
    const dup = karateGraph().nodes.map((n, i) => (i === 3 ? { ...n, node_id: "0" } : n));
    expect(await pathsOf(karateBody({ nodes: dup }))).toEqual(["nodes.3.node_id"]);
    const empty = karateGraph().nodes.map((n, i) => (i === 5 ? { ...n, node_id: "" } : n));
    expect(await pathsOf(karateBody({ nodes: empty }))).toEqual(["nodes.5.node_id"]);
  });

  it("edges between known nodes, no self-loops, no repeated pairs", async () => {
    const res = await t.json("POST", graphsPath(), karateBody({ edges: edgesWith(7, { target: "ghost" }) }));
    expect(res.status).toBe(422);
    expect(detailPaths(res.body)).toEqual(["edges.7.target"]);
    expect(res.body.error.message).toContain("ghost");
    expect(await pathsOf(karateBody({ edges: edgesWith(0, { source: "nobody" }) }))).toEqual(["edges.0.source"]);
    expect(await pathsOf(karateBody({ edges: edgesWith(2, { target: "0" }) }))).toEqual(["edges.2"]);
    const repeated = [...karateGraph().edges, { source: "1", target: "0", weight: 0.5 }];
    expect((await pathsOf(karateBody({ edges: repeated })))[0]).toMatch(/^edges\./);
  });

  it('"given" clustering needs attributes.cluster_id on every node', async () => {
    const nodes = karateGraph().nodes.map((n, i) => (i === 9 ? n : { ...n, attributes: { cluster_id: i % 3 } }));
    const res = await t.json("POST", graphsPath(), karateBody({ nodes, clustering: { method: "given" } }));
    expect(res.status).toBe(422);
    expect(detailPaths(res.body)).toEqual(["nodes.9.attributes.cluster_id"]);
    expect(res.body.error.message).toContain("'9'");
  });

  it("spillover model, treatments and resolution", async () => {
    expect(await pathsOf(karateBody({ spillover_model: { influence_decay: 0.5, threshold: 0 } }))).toEqual(["spillover_model.threshold"]);
    expect(await pathsOf(karateBody({ spillover_model: { influence_decay: 1.5, threshold: 0.3 } }))).toEqual(["spillover_model.influence_decay"]);
    expect(await pathsOf(karateBody({ treatments: ["only"] }))).toEqual(["treatments"]);
    expect(await pathsOf(karateBody({ treatments: ["a", "a"] }))).toEqual(["treatments"]);
    expect(await pathsOf(karateBody({ clustering: { method: "louvain", resolution: -1 } }))).toEqual(["clustering.resolution"]);
  });

  it("shape errors are 400; an unknown experiment is 404", async () => {
    expect(await pathsOf(karateBody({ graph_type: "Friends" }), 400)).toEqual(["graph_type"]);
    expect(await pathsOf(karateBody({ clustering: { method: "kmeans" } }), 400)).toEqual(["clustering.method"]);
    expect(await pathsOf(karateBody({ nodes: [] }), 400)).toEqual(["nodes"]);
    expect(await pathsOf(karateBody({ spillover_model: undefined }), 400)).toEqual(["spillover_model"]);
    expect((await pathsOf(karateBody({ edges: edgesWith(4, { weight: "heavy" }) }), 400))).toEqual(["edges.4.weight"]);
    const missing = await t.json("POST", "/v1/experiments/6f0c1c1e-8a3b-4c55-9d0e-2b7f4f9b1a10/network-graphs", karateBody());
    expect(missing.status).toBe(404);
    const noBody = await t.call("POST", graphsPath());
    expect(noBody.status).toBe(400);
    const text = await t.call("POST", graphsPath(), "a,b", { "content-type": "text/plain" });
    expect(text.status).toBe(415);
  });
});

describe("GET network graphs", () => {
  it("reads a graph whole or as a summary, and lists an experiment's graphs", async () => {
    const created = (await t.json("POST", graphsPath(), karateBody({ randomization_seed: 99 }))).body;
    const full = await t.json("GET", `/v1/network-graphs/${created.id}`);
    expect(full.status).toBe(200);
    expect(full.body.edges).toHaveLength(78);
    expect(full.body.edges[0]).toEqual({ source: "0", target: "1", weight: 1 });
    expect(full.body.nodes).toEqual(created.nodes);
    expect(full.body.clusters).toEqual(created.clusters);
    expect(full.body.modularity).toBe(created.modularity);
    const summary = await t.json("GET", `/v1/network-graphs/${created.id}?include=summary`);
    expect(summary.status).toBe(200);
    expect(summary.body.nodes).toBeUndefined();
    expect(summary.body.edges).toBeUndefined();
    expect(summary.body.clusters).toEqual(created.clusters);
    expect(summary.body.node_count).toBe(34);

    const list = await t.json("GET", `${graphsPath()}?limit=500`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBeGreaterThanOrEqual(1);
    const item = list.body.items.find((g: { id: string }) => g.id === created.id);
    expect(item.clusters).toEqual(created.clusters);
    expect(item.nodes).toBeUndefined();

    expect((await t.json("GET", "/v1/network-graphs/6f0c1c1e-8a3b-4c55-9d0e-2b7f4f9b1a10")).status).toBe(404);
    expect((await t.json("GET", `/v1/network-graphs/${created.id}?include=everything`)).status).toBe(400);
    expect((await t.json("GET", "/v1/experiments/6f0c1c1e-8a3b-4c55-9d0e-2b7f4f9b1a10/network-graphs")).status).toBe(404);
  });
});

describe("OpenAPI", () => {
  it("documents the network routes", async () => {
    const res = await t.call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    expect(Object.keys(doc.paths["/v1/experiments/{id}/network-graphs"]!).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/v1/experiments/{id}/network-graphs"]!.post!.requestBody!.content).sort()).toEqual(["application/json", "text/csv"]);
    expect(doc.paths["/v1/network-graphs/{id}"]).toBeDefined();
    expect(Object.keys(doc.paths["/v1/network-graphs/{id}/spillover"]!).sort()).toEqual(["get", "post"]);
  });
});
