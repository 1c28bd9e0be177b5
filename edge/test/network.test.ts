// Network experiments at the edge (docs/sync-protocol.md, "Networks"): a push carrying a graph's
// cluster map makes every node get its cluster's treatment; other units fall back to the hash.

import { describe, expect, it } from "vitest";
import { allocation, assign, newExperimentId, pushAllocation, stubFor } from "./helpers";

const NETWORK = {
  graph_id: "g-1",
  treatments: ["control", "treatment"],
  clusters: [
    { cluster_id: "0", size: 2, treatment: "control" },
    { cluster_id: "1", size: 2, treatment: "treatment" },
    { cluster_id: "2", size: 1, treatment: "treatment" },
  ],
  nodes: [
    ["a", "0"],
    ["b", "0"],
    ["c", "1"],
    ["d", "1"],
    ["e", "2"],
  ],
  fallback: "hash",
};

describe("allocation push with a network", () => {
  it("serves each node its cluster's treatment and hashes other units", async () => {
    const id = newExperimentId("net");
    expect((await pushAllocation(id, { network: NETWORK })).body).toEqual({ applied: true, version: 1 });
    for (const [node, cluster] of NETWORK.nodes) {
      const res = await assign(id, node!);
      expect(res.status).toBe(200);
      const treatment = NETWORK.clusters.find((c) => c.cluster_id === cluster)!.treatment;
      expect(res.body).toMatchObject({
        assigned: true,
        unit_id: node,
        combination_id: treatment,
        arm_id: treatment,
        variable_values: { treatment },
        cluster_id: cluster,
        assignment: "cluster",
        probability: treatment === "control" ? 1 / 3 : 2 / 3,
      });
    }
    const other = await assign(id, "not-a-node");
    expect(other.body).toMatchObject({ assigned: true, assignment: "hash" });
    expect(other.body.cluster_id).toBeUndefined();
    expect(["c01", "c02", "c03"]).toContain(other.body.combination_id);
    // The decisions are logged (and go through the outbox) as usual.
    const arms = await stubFor(id).getArms();
    if (arms.outcome !== "found") throw new Error("no arms");
    expect(arms.arms.find((a) => a.arm_id === "treatment")?.decisions).toBe(3);
    expect(arms.arms.find((a) => a.arm_id === "control")?.decisions).toBe(2);
  });

  it("a new push replaces the node map; a push without a network drops it", async () => {
    const id = newExperimentId("net-replace");
    await pushAllocation(id, { network: NETWORK });
    const flipped = { ...NETWORK, graph_id: "g-2", clusters: NETWORK.clusters.map((c) => ({ ...c, treatment: c.treatment === "control" ? "treatment" : "control" })), nodes: NETWORK.nodes.slice(0, 2) };
    expect((await pushAllocation(id, { version: 2, network: flipped })).body.applied).toBe(true);
    expect((await assign(id, "a")).body).toMatchObject({ combination_id: "treatment", assignment: "cluster", cluster_id: "0" });
    expect((await assign(id, "c")).body).toMatchObject({ assignment: "hash" });
    await pushAllocation(id, { version: 3 });
    const plain = await assign(id, "a");
    expect(plain.body.assignment).toBeUndefined();
    expect(["c01", "c02", "c03"]).toContain(plain.body.combination_id);
  });

  it("keeps the map across a restart of the object (persisted)", async () => {
    const id = newExperimentId("net-persist");
    await pushAllocation(id, { network: NETWORK });
    const row = await stubFor(id).replayDecision({ experiment_id: id, unit_id: "e" }, "00000000-0000-4000-8000-000000000000");
    expect(row).toMatchObject({ outcome: "assigned", decision: { combination_id: "treatment", cluster_id: "2" } });
  });

  it("rejects a network whose node names an unknown cluster", async () => {
    const id = newExperimentId("net-bad");
    const res = await pushAllocation(id, { network: { ...NETWORK, nodes: [["a", "9"]] } });
    expect(res.status).toBe(400);
    expect(allocation(id).network).toBeUndefined();
  });

  it("serves a node's own treatment when the push names one (two-stage designs)", async () => {
    const id = newExperimentId("net-two-stage");
    const nodes = [
      ["a", "0"],
      ["b", "0"],
      ["c", "1", "control"],
      ["d", "1", "treatment"],
    ];
    expect((await pushAllocation(id, { network: { ...NETWORK, nodes } })).status).toBe(200);
    expect((await assign(id, "c")).body).toMatchObject({ combination_id: "control", cluster_id: "1", assignment: "cluster", probability: 0.75 });
    expect((await assign(id, "d")).body).toMatchObject({ combination_id: "treatment", cluster_id: "1", probability: 0.25 });
    expect((await assign(id, "a")).body).toMatchObject({ combination_id: "control", cluster_id: "0" });
    const bad = await pushAllocation(id, { version: 2, network: { ...NETWORK, nodes: [["a", "0", "nope"]] } });
    expect(bad.status).toBe(400);
  });

  it("fits a 10K-node map", async () => {
    const id = newExperimentId("net-10k");
    const clusters = Array.from({ length: 100 }, (_, k) => ({ cluster_id: String(k), size: 100, treatment: k % 2 === 0 ? "control" : "treatment" }));
    const nodes = Array.from({ length: 10_000 }, (_, i) => [`user-${i}`, String(i % 100)]);
    const res = await pushAllocation(id, { network: { ...NETWORK, clusters, nodes } });
    expect(res.status).toBe(200);
    expect((await assign(id, "user-9999")).body).toMatchObject({ combination_id: "treatment", cluster_id: "99", probability: 0.5 });
  });
});
