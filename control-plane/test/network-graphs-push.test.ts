// A network graph on a Running experiment is pushed to the edge (docs/sync-protocol.md,
// "Networks"): creating it bumps allocation_version and enqueues a push carrying the graph's
// cluster map in the same transaction; later transitions keep carrying the most recent graph.

import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPowerAnalysis } from "../src/db/repositories/experiments.js";
import { syncOutbox } from "../src/db/schema/index.js";
import { karateGraph } from "./fixtures/network-karate.js";
import { experimentBody, testApp, type TestApp, STORED_POWER_ANALYSIS } from "./helpers.js";

let t: TestApp;
let kicks = 0;
const NOW = Date.parse("2026-11-24T12:00:00.000Z");
beforeAll(async () => {
  t = await testApp({ outbox: { kick: () => kicks++ }, clock: () => NOW });
});
afterAll(() => t.close());

const analysis = STORED_POWER_ANALYSIS;

async function draft(): Promise<string> {
  const { body } = await t.json("POST", "/v1/experiments", experimentBody());
  await setPowerAnalysis(t.db, body.id, analysis, new Date(NOW).toISOString());
  return body.id;
}

async function transition(id: string, status: string) {
  const res = await t.json("POST", `/v1/experiments/${id}/transition`, { status });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function outbox(id: string) {
  return t.db.select().from(syncOutbox).where(eq(syncOutbox.experiment_id, id)).orderBy(asc(syncOutbox.id));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- payload assertions
type Payload = any;
const payloadOf = (row: { payload: unknown }): Payload => (typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload);

function graphBody(seed: number, overrides: Record<string, unknown> = {}) {
  return { graph_type: "Social", ...karateGraph(), clustering: { method: "louvain" }, spillover_model: { influence_decay: 0.5, threshold: 0.3 }, randomization_seed: seed, ...overrides };
}

/** The node -> treatment map a graph's response implies. */
function treatmentsOf(graph: Payload): Record<string, string> {
  const byCluster = new Map<string, string>(graph.clusters.map((c: Payload) => [String(c.cluster_id), c.treatment]));
  return Object.fromEntries(graph.nodes.map((n: Payload) => [n.node_id, byCluster.get(String(n.cluster_id))!]));
}

function networkMap(network: Payload): Record<string, string> {
  const byCluster = new Map<string, string>(network.clusters.map((c: Payload) => [String(c.cluster_id), c.treatment]));
  return Object.fromEntries(network.nodes.map(([node, cluster]: [string, string]) => [node, byCluster.get(String(cluster))!]));
}

describe("network graphs and allocation pushes", () => {
  it("a graph on a Draft experiment enqueues nothing; Draft -> Running carries it", async () => {
    const id = await draft();
    const g = await t.json("POST", `/v1/experiments/${id}/network-graphs`, graphBody(1));
    expect(g.status).toBe(201);
    expect(await outbox(id)).toHaveLength(0);
    await transition(id, "Running");
    const rows = await outbox(id);
    expect(rows).toHaveLength(1);
    const p = payloadOf(rows[0]!);
    expect(p.network).toMatchObject({ graph_id: g.body.id, treatments: ["control", "treatment"], fallback: "hash" });
    expect(p.network.nodes).toHaveLength(34);
    const full = await t.json("GET", `/v1/network-graphs/${g.body.id}`);
    expect(networkMap(p.network)).toEqual(treatmentsOf(full.body));
  });

  it("a new graph on a Running experiment bumps the version and pushes its map; transitions keep it", async () => {
    const id = await draft();
    await transition(id, "Running");
    expect(payloadOf((await outbox(id))[0]!).network).toBeUndefined();
    const kicksBefore = kicks;
    const g1 = await t.json("POST", `/v1/experiments/${id}/network-graphs`, graphBody(2));
    expect(g1.status).toBe(201);
    expect(kicks).toBe(kicksBefore + 1);
    let rows = await outbox(id);
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    const p2 = payloadOf(rows[1]!);
    expect(p2.version).toBe(2);
    expect(p2.status).toBe("Running");
    expect(p2.network.graph_id).toBe(g1.body.id);
    expect((await t.json("GET", `/v1/experiments/${id}`)).body.allocation_version).toBe(2);

    // The most recent graph wins.
    const g2 = await t.json("POST", `/v1/experiments/${id}/network-graphs`, graphBody(3, { treatments: ["off", "on"] }));
    rows = await outbox(id);
    const p3 = payloadOf(rows[2]!);
    expect(p3.network.graph_id).toBe(g2.body.id);
    expect(p3.network.treatments).toEqual(["off", "on"]);
    const full = await t.json("GET", `/v1/network-graphs/${g2.body.id}`);
    expect(networkMap(p3.network)).toEqual(treatmentsOf(full.body));

    await transition(id, "Paused");
    await transition(id, "Running");
    rows = await outbox(id);
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5]);
    for (const row of rows.slice(3)) expect(payloadOf(row).network.graph_id).toBe(g2.body.id);
    expect(payloadOf(rows[4]!).network).toEqual(p3.network);
  });
});
