// Two-stage designs and the interference test (Saveski et al. 2017) over HTTP: a graph of 40
// five-node cliques created with design "two-stage" splits its clusters in halves, randomises whole
// clusters in one and single nodes in the other; POST /v1/network-graphs/:id/interference-test
// compares the halves' estimates. The push to the edge carries each node's own treatment.

import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncOutbox } from "../src/db/schema/index.js";
import { experimentBody, testApp, type TestApp } from "./helpers.js";

let t: TestApp;
let experimentId: string;
beforeAll(async () => {
  t = await testApp({ memoryOnly: true });
  const created = await t.json("POST", "/v1/experiments", experimentBody());
  experimentId = created.body.id;
});
afterAll(() => t.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response assertions
type Body = any;

/** 40 cliques of 5 nodes, each clique given as a cluster, joined in a ring by one edge each. */
function cliques() {
  const nodes: { node_id: string; attributes: { cluster_id: string } }[] = [];
  const edges: { source: string; target: string; weight: number }[] = [];
  for (let c = 0; c < 40; c++) {
    for (let a = 0; a < 5; a++) {
      nodes.push({ node_id: `n${c}-${a}`, attributes: { cluster_id: `k${c}` } });
      for (let b = a + 1; b < 5; b++) edges.push({ source: `n${c}-${a}`, target: `n${c}-${b}`, weight: 1 });
    }
    edges.push({ source: `n${c}-0`, target: `n${(c + 1) % 40}-1`, weight: 1 });
  }
  return { nodes, edges };
}

async function twoStageGraph(seed = 11): Promise<Body> {
  const res = await t.json("POST", `/v1/experiments/${experimentId}/network-graphs`, {
    graph_type: "Social",
    ...cliques(),
    clustering: { method: "given" },
    design: "two-stage",
    spillover_model: { influence_decay: 0.5, threshold: 0.3 },
    randomization_seed: seed,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (await t.json("GET", `/v1/network-graphs/${res.body.id}`)).body;
}

describe("two-stage design", () => {
  it("splits clusters in halves: whole clusters in one, single nodes in the other", async () => {
    const g = await twoStageGraph();
    expect(g.design).toBe("two-stage");
    const halves = g.two_stage.cluster_halves as Record<string, string>;
    expect(Object.keys(halves)).toHaveLength(40);
    const cl = Object.values(halves).filter((h) => h === "cluster").length;
    expect(cl).toBe(20);
    const nt = g.two_stage.node_treatments as Record<string, string>;
    const treatmentOf = new Map(g.clusters.map((c: Body) => [c.cluster_id, c.treatment]));
    let unitTreated = 0;
    let unitNodes = 0;
    for (const [node, cluster] of Object.entries(g.node_clusters as Record<string, string>)) {
      if (halves[cluster] === "cluster") expect(nt[node]).toBe(treatmentOf.get(cluster));
      else {
        unitNodes++;
        if (nt[node] === "treatment") unitTreated++;
      }
    }
    expect(unitNodes).toBe(100);
    expect(unitTreated).toBe(50);
    // Reproducible by seed.
    const again = await twoStageGraph();
    expect(again.two_stage).toEqual(g.two_stage);
  });

  it("detects strong interference and reports the test's fields", async () => {
    const g = await twoStageGraph(12);
    const nt = g.two_stage.node_treatments as Record<string, string>;
    const byCluster = new Map<string, string[]>();
    for (const [node, cluster] of Object.entries(g.node_clusters as Record<string, string>)) byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), node]);
    // Outcome driven by the share of treated nodes in the node's own clique (pure spillover) plus a small direct effect.
    const outcomes = Object.entries(g.node_clusters as Record<string, string>).map(([node, cluster], i) => {
      const members = byCluster.get(cluster)!;
      const share = members.filter((m) => nt[m] === "treatment").length / members.length;
      return { node_id: node, value: 1 + 0.2 * (nt[node] === "treatment" ? 1 : 0) + 5 * share + 0.01 * (i % 7) };
    });
    const res = await t.json("POST", `/v1/network-graphs/${g.id}/interference-test`, { outcomes });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const r = res.body;
    for (const k of ["estimate_cluster", "estimate_unit", "difference", "std_error", "z", "p_value"]) expect(Number.isFinite(r[k])).toBe(true);
    expect(r.difference).toBeCloseTo(r.estimate_cluster - r.estimate_unit, 12);
    expect(r.z).toBeCloseTo(r.difference / r.std_error, 9);
    expect(r.estimate_cluster).toBeGreaterThan(4);
    expect(r.interference_detected).toBe(true);
    expect(r.p_value).toBeLessThan(0.05);

    // Without interference both halves estimate the same effect.
    const plain = Object.keys(g.node_clusters).map((node, i) => ({ node_id: node, value: 1 + 2 * (nt[node] === "treatment" ? 1 : 0) + 0.5 * Math.sin(i * 1.7) }));
    const none = await t.json("POST", `/v1/network-graphs/${g.id}/interference-test`, { outcomes: plain });
    expect(none.status).toBe(200);
    expect(Math.abs(none.body.estimate_unit - 2)).toBeLessThan(0.5);
    expect(Math.abs(none.body.difference)).toBeLessThan(3 * none.body.std_error);
  });

  it("is a 422 on a cluster-randomised graph, for unknown nodes, and spillover on a two-stage graph", async () => {
    const plain = await t.json("POST", `/v1/experiments/${experimentId}/network-graphs`, {
      graph_type: "Social",
      ...cliques(),
      clustering: { method: "given" },
      spillover_model: { influence_decay: 0.5, threshold: 0.3 },
      randomization_seed: 1,
    });
    const outcomes = [{ node_id: "n0-0", value: 1 }];
    expect((await t.json("POST", `/v1/network-graphs/${plain.body.id}/interference-test`, { outcomes })).status).toBe(422);
    const g = await twoStageGraph(13);
    const unknown = await t.json("POST", `/v1/network-graphs/${g.id}/interference-test`, { outcomes: [{ node_id: "nope", value: 1 }] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details[0].path).toBe("outcomes.0.node_id");
    expect((await t.json("POST", `/v1/network-graphs/${g.id}/interference-test`, { outcomes })).status).toBe(422);
    expect((await t.json("POST", `/v1/network-graphs/${g.id}/spillover`, { outcomes })).status).toBe(422);
    expect((await t.json("POST", "/v1/network-graphs/00000000-0000-4000-8000-000000000000/interference-test", { outcomes })).status).toBe(404);
  });

  it("pushes each node's own treatment to the edge", async () => {
    const { body } = await t.json("POST", "/v1/experiments", experimentBody());
    const id = body.id as string;
    // The push a transition would enqueue, built directly (the experiment stays Draft).
    const g = await t.json("POST", `/v1/experiments/${id}/network-graphs`, {
      graph_type: "Social",
      ...cliques(),
      clustering: { method: "given" },
      design: "two-stage",
      spillover_model: { influence_decay: 0.5, threshold: 0.3 },
      randomization_seed: 5,
    });
    expect(g.status).toBe(201);
    const { enqueueAllocationPushSql } = await import("../src/db/repositories/experiments.js");
    await t.db.run(enqueueAllocationPushSql({ id, status: "Draft", version: 0, hashVersion: 1, now: new Date().toISOString() }));
    const rows = await t.db.select().from(syncOutbox).where(eq(syncOutbox.experiment_id, id)).orderBy(asc(syncOutbox.id));
    expect(rows).toHaveLength(1);
    const p: Body = typeof rows[0]!.payload === "string" ? JSON.parse(rows[0]!.payload as string) : rows[0]!.payload;
    const full = (await t.json("GET", `/v1/network-graphs/${g.body.id}`)).body;
    expect(p.network.nodes).toHaveLength(200);
    for (const [node, , own] of p.network.nodes) expect(own).toBe(full.two_stage.node_treatments[node]);
  });
});
