// Network experiments end to end, over HTTP against the real stack: a karate-club graph on a
// Running experiment reaches the edge (docs/sync-protocol.md, "Networks"), every node is served its
// cluster's treatment, other units fall back to the hash, and the nodes' outcomes give a
// spillover measurement.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { karateGraph } from "../control-plane/test/fixtures/network-karate.js";
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

describe("networks: graph -> edge cluster assignment -> spillover", () => {
  let experimentId = "";
  let graph: { id: string; clusters: { cluster_id: string; treatment: string }[]; node_clusters: Record<string, string> } | null = null;
  const decisions = new Map<string, { treatment: string; decision_id: string }>();

  it("runs an experiment and adds a karate-club graph to it", async () => {
    const created = await http(
      "POST",
      `${stack.cpUrl}/v1/experiments`,
      { name: "referral banner", design_type: "FullFactorial", variables: [{ name: "banner", levels: ["off", "on"], type: "categorical" }] },
      auth(),
    );
    expect(created.status).toBe(201);
    experimentId = created.body.id;
    const power = await http(
      "POST",
      `${stack.cpUrl}/v1/experiments/${experimentId}/power-analysis`,
      { effect_size: 0.05, metric: { type: "binary", baseline_rate: 0.2 } },
      auth(),
    );
    expect(power.status).toBe(200);
    const run = await http("POST", `${stack.cpUrl}/v1/experiments/${experimentId}/transition`, { status: "Running" }, auth());
    expect(run.status).toBe(200);

    const g = await http(
      "POST",
      `${stack.cpUrl}/v1/experiments/${experimentId}/network-graphs`,
      { graph_type: "Social", ...karateGraph(), clustering: { method: "louvain" }, spillover_model: { influence_decay: 0.5, threshold: 0.3 }, randomization_seed: 42 },
      auth(),
    );
    expect(g.status).toBe(201);
    expect(Object.keys(g.body.node_clusters)).toHaveLength(34);
    graph = g.body;
  });

  it("serves every node its cluster's treatment at the edge; other units are hashed", async () => {
    const g = graph!;
    const treatmentOf = new Map(g.clusters.map((c) => [String(c.cluster_id), c.treatment]));
    const share = (t: string) => g.clusters.filter((c) => c.treatment === t).length / g.clusters.length;
    // The graph reaches the edge through the control plane's outbox.
    await waitFor(async () => {
      const r = await http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: experimentId, unit_id: "0" });
      return r.status === 200 && r.body.assignment === "cluster";
    }, 30_000, "the network to reach the edge");

    for (const [node, cluster] of Object.entries(g.node_clusters)) {
      const r = await http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: experimentId, unit_id: node });
      expect(r.status).toBe(200);
      const treatment = treatmentOf.get(String(cluster))!;
      expect(r.body).toMatchObject({
        assigned: true,
        unit_id: node,
        combination_id: treatment,
        arm_id: treatment,
        variable_values: { treatment },
        assignment: "cluster",
        cluster_id: String(cluster),
      });
      expect(r.body.probability).toBeCloseTo(share(treatment), 12);
      decisions.set(node, { treatment, decision_id: r.body.decision_id });
    }
    expect(new Set([...decisions.values()].map((d) => d.treatment))).toEqual(new Set(["control", "treatment"]));

    const stranger = await http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: experimentId, unit_id: "not-in-the-graph" });
    expect(stranger.body).toMatchObject({ assigned: true, assignment: "hash" });
    expect(stranger.body.cluster_id).toBeUndefined();
  });

  it("logs rewards per node as usual and measures spillover from the nodes' outcomes", async () => {
    const events = [...decisions.entries()].map(([node, d]) => ({
      event_id: `net-${node}`,
      experiment_id: experimentId,
      decision_id: d.decision_id,
      reward: d.treatment === "treatment" ? 1 : 0,
    }));
    const rewards = await signedHttp("POST", `${stack.edgeUrl}/v1/rewards`, stack.webhookSecret, { events });
    expect(rewards.status).toBe(202);
    expect(rewards.body).toMatchObject({ accepted: 34, duplicates: 0 });

    // Outcomes: a direct effect of 2 plus a small deterministic per-node variation.
    const outcomes = [...decisions.entries()].map(([node, d]) => ({
      node_id: node,
      value: 10 + (d.treatment === "treatment" ? 2 : 0) + (Number(node) % 5) * 0.1,
    }));
    const m = await http("POST", `${stack.cpUrl}/v1/network-graphs/${graph!.id}/spillover`, { outcomes }, auth());
    expect(m.status, JSON.stringify(m.body)).toBe(201);
    for (const effect of ["direct_effect", "indirect_effect", "total_effect"]) expect(m.body[effect]).toBeTypeOf("object");
    expect(Array.isArray(m.body.affected_nodes)).toBe(true);
  });

  it("a two-stage graph replaces the map at the edge and answers the interference test", async () => {
    const nodes: { node_id: string; attributes: { cluster_id: string } }[] = [];
    const edges: { source: string; target: string; weight: number }[] = [];
    for (let c = 0; c < 20; c++) {
      for (let a = 0; a < 4; a++) {
        nodes.push({ node_id: `m${c}-${a}`, attributes: { cluster_id: `k${c}` } });
        for (let b = a + 1; b < 4; b++) edges.push({ source: `m${c}-${a}`, target: `m${c}-${b}`, weight: 1 });
      }
    }
    const created = await http(
      "POST",
      `${stack.cpUrl}/v1/experiments/${experimentId}/network-graphs`,
      { graph_type: "Social", nodes, edges, clustering: { method: "given" }, design: "two-stage", spillover_model: { influence_decay: 0.5, threshold: 0.3 }, randomization_seed: 9 },
      auth(),
    );
    expect(created.status).toBe(201);
    const g = (await http("GET", `${stack.cpUrl}/v1/network-graphs/${created.body.id}`, undefined, auth())).body;
    const own = g.two_stage.node_treatments as Record<string, string>;
    await waitFor(async () => {
      const r = await http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: experimentId, unit_id: "m0-0" });
      return r.body.assignment === "cluster";
    }, 30_000, "the two-stage network to reach the edge");
    for (const node of Object.keys(own)) {
      const r = await http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: experimentId, unit_id: node });
      expect(r.body.combination_id).toBe(own[node]);
    }
    // The karate nodes are no longer nodes of the network in force.
    expect((await http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: experimentId, unit_id: "0" })).body.assignment).toBe("hash");

    const outcomes = Object.keys(own).map((node, i) => ({ node_id: node, value: (own[node] === "treatment" ? 1 : 0) + 0.1 * (i % 3) }));
    const test = await http("POST", `${stack.cpUrl}/v1/network-graphs/${g.id}/interference-test`, { outcomes }, auth());
    expect(test.status, JSON.stringify(test.body)).toBe(200);
    for (const k of ["estimate_cluster", "estimate_unit", "difference", "std_error", "z", "p_value"]) expect(Number.isFinite(test.body[k])).toBe(true);
    expect(typeof test.body.interference_detected).toBe("boolean");
  });
});
