// Network experiments (API.md "Networks"): build and validate a graph (JSON or a CSV edge list),
// cluster it and randomise whole clusters to treatments with core's designNetworkExperiment, store
// it; later measure direct, indirect and total effects from the nodes' outcomes with core's
// measureSpillover under the stored design, and keep each measurement.
//
// Storage (no schema change; everything extra lives inside the JSON columns):
// - `nodes`: always the plain list [{node_id, attributes?, cluster_id}] (the design's clusters).
// - `edges`: the plain list [{source, target, weight}] up to COMPACT_EDGE_THRESHOLD edges; above
//   it, one object {format: "mvxg", version: 1, encoding: "base64", node_count, edge_count, data}
//   holding core's encodeNetworkGraph bytes (lossless weights; a 10K-node, 75K-edge graph stores
//   in well under 1 MB together with its nodes, the data model's ~1 MB per 10K nodes). Reading it
//   back lists the undirected edges in node order; zero-weight edges (no influence) are not kept.
// - `spillover_model`: {influence_decay, threshold, design: {treatments, clustering, randomization,
//   components, node_count, edge_count, build_report}} — `design` is what measureSpillover and the
//   API's responses need besides the columns; the API returns only the two model fields.
// - `spillover_measurements`: the three effect columns hold the estimates (0 when an effect is not
//   estimable: the column is NOT NULL); `details` holds the full effects (estimate null, standard
//   errors, 95% intervals), estimator, counts, exposure, notes — the API answers from `details`.
// - Retention (services/retention.ts): once the experiment has ended, `nodes` and `edges` become
//   empty lists and `spillover_model.design` gets `retained: "summary"` and `pruned_at`. A pruned
//   graph reads as its summary with `pruned: true` (even with include=full); measuring spillover
//   on it is a 409 graph_pruned (the graph it needs is gone); its measurements stay listable.

import {
  InvalidArgumentError,
  buildNetworkGraph,
  createRng,
  decodeNetworkGraph,
  interferenceTest,
  twoStageRandomization,
  designNetworkExperiment,
  encodeNetworkGraph,
  measureSpillover,
  validateSpilloverModel,
  type NetworkDesign,
  type NetworkGraph,
  type SpilloverMeasurement,
} from "@mvx/core";
import { randomInt, randomUUID } from "node:crypto";
import { experimentExists } from "../db/repositories/experiments.js";
import {
  findNetworkGraph,
  findNetworkGraphSummary,
  insertNetworkGraphQuery,
  insertSpilloverMeasurement,
  listNetworkGraphs,
  listSpilloverMeasurements,
  type NetworkGraphRow,
  type NetworkGraphSummaryRow,
  type SpilloverMeasurementRow,
} from "../db/repositories/network-graphs.js";
import { GRAPH_RETAINED_SUMMARY } from "../db/repositories/retention.js";
import { ApiError, NotFoundError, RuleViolationError, ValidationError } from "../errors.js";
import type {
  CreateNetworkGraphBody,
  CsvQuery,
  InterferenceTestRequestBody,
  InterferenceTestResultView,
  NetworkGraphView,
  SpilloverMeasurementView,
  SpilloverRequestBody,
} from "../routes/network-graphs/schemas.js";
import { writeAndPush } from "./bo-loop.js";
import type { ServiceContext } from "./experiments.js";

/** Graphs with more edges than this store their edges in core's compact encoding. */
export const COMPACT_EDGE_THRESHOLD = 5_000;

interface EdgeItem {
  source: string;
  target: string;
  weight: number;
}

interface CompactEdges {
  format: "mvxg";
  version: 1;
  encoding: "base64";
  node_count: number;
  edge_count: number;
  data: string;
}

interface StoredDesign {
  treatments: string[];
  clustering: { method: string; resolution: number };
  randomization: NetworkDesign["randomization"];
  components: { count: number; sizes: number[] };
  node_count: number;
  edge_count: number;
  build_report?: unknown;
  /**
   * Two-stage graphs (Saveski et al. 2017): per cluster (in `clusters` order) 0 = cluster-randomised
   * half, 1 = unit-randomised half. Each node's own treatment is then `nodes[i].treatment`.
   */
  two_stage?: { cluster_arm: number[] };
  /** Set by retention when nodes and edges were pruned (see the header). */
  retained?: typeof GRAPH_RETAINED_SUMMARY;
  pruned_at?: string;
}

interface StoredSpilloverModel {
  influence_decay: number;
  threshold: number;
  design: StoredDesign;
}

function iso(ctx: ServiceContext): string {
  return new Date(ctx.clock()).toISOString();
}

function isCompact(edges: unknown): edges is CompactEdges {
  return typeof edges === "object" && edges !== null && !Array.isArray(edges) && (edges as { format?: unknown }).format === "mvxg";
}

function storedModel(row: Pick<NetworkGraphRow, "spillover_model">): StoredSpilloverModel {
  return row.spillover_model as unknown as StoredSpilloverModel;
}

/** Parses a `source,target,weight` CSV edge list into the JSON body's form (nodes in order of appearance). */
export function csvToCreateBody(text: string, query: CsvQuery): CreateNetworkGraphBody {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let li = 0;
  while (li < lines.length && lines[li]!.trim() === "") li++;
  const unquote = (f: string) => {
    const t = f.trim();
    return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
  };
  const header = (lines[li] ?? "").split(",").map((h) => unquote(h).toLowerCase());
  const hasWeight = header.length === 3 && header[2] === "weight";
  if (header[0] !== "source" || header[1] !== "target" || !(header.length === 2 || hasWeight)) {
    throw new ValidationError("the CSV edge list must start with the header source,target,weight", [
      { path: "body", message: `expected header "source,target,weight", got "${(lines[li] ?? "").trim()}"` },
    ]);
  }
  const edges: EdgeItem[] = [];
  const nodes: { node_id: string }[] = [];
  const seen = new Set<string>();
  for (let l = li + 1; l < lines.length; l++) {
    const line = lines[l]!;
    if (line.trim() === "") continue;
    const k = edges.length;
    const fields = line.split(",").map(unquote);
    if (fields.length !== header.length) {
      throw new RuleViolationError(`CSV line ${l + 1}: expected ${header.length} fields, got ${fields.length}`, [
        { path: `edges.${k}`, message: `line ${l + 1} has ${fields.length} fields` },
      ]);
    }
    const [source, target] = fields as [string, string];
    for (const [name, v] of [["source", source], ["target", target]] as const) {
      if (v === "") {
        throw new RuleViolationError(`CSV line ${l + 1}: empty ${name}`, [{ path: `edges.${k}.${name}`, message: `empty ${name} node id` }]);
      }
      if (!seen.has(v)) {
        seen.add(v);
        nodes.push({ node_id: v });
      }
    }
    const w = hasWeight ? fields[2]! : "1";
    edges.push({ source, target, weight: w === "" ? Number.NaN : Number(w) });
  }
  if (edges.length === 0) {
    throw new RuleViolationError("the CSV edge list has no edges", [{ path: "edges", message: "at least one edge row is needed" }]);
  }
  const treatments = query.treatments?.split(",").map((t) => t.trim());
  return {
    graph_type: query.graph_type,
    nodes,
    edges,
    ...(query.clustering ? { clustering: { method: query.clustering, ...(query.resolution !== undefined ? { resolution: query.resolution } : {}) } } : {}),
    ...(!query.clustering && query.resolution !== undefined ? { clustering: { method: "louvain" as const, resolution: query.resolution } } : {}),
    ...(treatments ? { treatments } : {}),
    spillover_model: { influence_decay: query.influence_decay, threshold: query.threshold },
    ...(query.randomization_seed !== undefined ? { randomization_seed: query.randomization_seed } : {}),
  };
}

/** The undirected edges of a CSR graph, each once (i < j), in node order. */
function edgesOfGraph(g: NetworkGraph): EdgeItem[] {
  const out: EdgeItem[] = [];
  for (let i = 0; i < g.nodeCount; i++) {
    for (let k = g.offsets[i]!; k < g.offsets[i + 1]!; k++) {
      const j = g.neighbors[k]!;
      if (j > i) out.push({ source: g.nodeIds[i]!, target: g.nodeIds[j]!, weight: g.weights[k]! });
    }
  }
  return out;
}

function graphView(row: NetworkGraphSummaryRow & Partial<Pick<NetworkGraphRow, "nodes" | "edges">>, withEdges: boolean): NetworkGraphView {
  const model = storedModel(row);
  const d = model.design;
  const view: NetworkGraphView = {
    id: row.id,
    experiment_id: row.experiment_id,
    graph_type: row.graph_type,
    clusters: row.clusters,
    node_count: d.node_count,
    edge_count: d.edge_count,
    modularity: row.modularity,
    components: d.components,
    clustering: d.clustering,
    randomization: d.randomization,
    spillover_model: { influence_decay: model.influence_decay, threshold: model.threshold },
    randomization_seed: row.randomization_seed,
    treatments: d.treatments,
    created_at: row.created_at,
  };
  if (d.two_stage !== undefined) {
    view.design = "two-stage";
    const arms = d.two_stage.cluster_arm;
    view.two_stage = { cluster_halves: Object.fromEntries(row.clusters.map((c, k) => [c.cluster_id, arms[k] === 1 ? "unit" : "cluster"])) };
  }
  if (d.retained === GRAPH_RETAINED_SUMMARY) {
    view.pruned = true;
    if (d.pruned_at !== undefined) view.pruned_at = d.pruned_at;
    return view;
  }
  if (row.nodes) {
    view.nodes = row.nodes.map((n) => ({ node_id: n.node_id, attributes: n.attributes ?? {}, cluster_id: n.cluster_id ?? "" }));
    view.node_clusters = Object.fromEntries(row.nodes.map((n) => [n.node_id, n.cluster_id ?? ""]));
    if (view.two_stage !== undefined) view.two_stage.node_treatments = Object.fromEntries(row.nodes.map((n) => [n.node_id, n.treatment ?? ""]));
  }
  if (withEdges && row.edges !== undefined) {
    const edges: unknown = row.edges;
    view.edges = isCompact(edges) ? edgesOfGraph(decodeNetworkGraph(Buffer.from(edges.data, "base64"))) : (edges as EdgeItem[]);
  }
  return view;
}

/** Validates, clusters and randomises the graph, stores it, and returns the API's view (no edges). */
export async function createNetworkGraph(ctx: ServiceContext, experimentId: string, input: CreateNetworkGraphBody): Promise<NetworkGraphView> {
  if (!(await experimentExists(ctx.db, experimentId))) throw new NotFoundError(`experiment ${experimentId} not found`);
  const graph = buildNetworkGraph({ nodes: input.nodes, edges: input.edges });
  validateSpilloverModel(input.spillover_model);
  const seed = input.randomization_seed ?? ctx.randomSeed?.() ?? randomInt(0, 2 ** 31 - 1);
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError("randomization_seed must be an integer", "randomization_seed");
  const design = designNetworkExperiment(graph, {
    randomization_seed: seed,
    ...(input.clustering ? { clustering: input.clustering } : {}),
    ...(input.treatments ? { treatments: input.treatments } : {}),
    ...(input.stratify_by_size !== undefined ? { stratify_by_size: input.stratify_by_size } : {}),
  });
  let nodes: { node_id: string; attributes?: Record<string, unknown>; cluster_id: string; treatment?: string }[] = input.nodes.map((n) => ({
    node_id: n.node_id,
    ...(n.attributes !== undefined ? { attributes: n.attributes } : {}),
    cluster_id: design.node_clusters[n.node_id]!,
  }));
  let clusters = design.clusters;
  let twoStage: StoredDesign["two_stage"];
  if (input.design === "two-stage") {
    // Saveski et al. (2017): re-randomise the design's clusters in two stages (seeded from the graph's seed).
    if (design.treatments.length !== 2) {
      throw new RuleViolationError('design "two-stage" needs exactly two treatments', [{ path: "treatments", message: "two treatments (control first) are needed" }]);
    }
    const clusterIds = design.clusters.map((c) => c.cluster_id);
    const index = new Map(clusterIds.map((id, k) => [id, k]));
    const clusterOf = Int32Array.from(nodes, (n) => index.get(n.cluster_id)!);
    const sizes = new Int32Array(clusterIds.length);
    for (const c of clusterOf) sizes[c]!++;
    const ts = twoStageRandomization({ clusterOf, clusterIds, sizes }, createRng(`two-stage:${seed}`), { stratifyBySize: input.stratify_by_size ?? false });
    nodes = nodes.map((n, i) => ({ ...n, treatment: design.treatments[ts.treated[i]!]! }));
    const clusterTreatment = new Array<string>(clusterIds.length).fill(design.treatments[0]!);
    clusterOf.forEach((c, i) => {
      if (ts.clusterArm[c] === 0) clusterTreatment[c] = design.treatments[ts.treated[i]!]!;
    });
    clusters = design.clusters.map((c, k) => ({ ...c, treatment: clusterTreatment[k]! }));
    twoStage = { cluster_arm: Array.from(ts.clusterArm) };
  }
  const edges: EdgeItem[] | CompactEdges =
    input.edges.length > COMPACT_EDGE_THRESHOLD
      ? {
          format: "mvxg",
          version: 1,
          encoding: "base64",
          node_count: graph.nodeCount,
          edge_count: graph.edgeCount,
          data: Buffer.from(encodeNetworkGraph(graph)).toString("base64"),
        }
      : input.edges.map((e) => ({ source: e.source, target: e.target, weight: e.weight ?? 1 }));
  const stored: StoredSpilloverModel = {
    influence_decay: input.spillover_model.influence_decay,
    threshold: input.spillover_model.threshold,
    design: {
      treatments: design.treatments,
      clustering: design.clustering,
      randomization: design.randomization,
      components: design.components,
      node_count: graph.nodeCount,
      edge_count: graph.edgeCount,
      ...(graph.buildReport ? { build_report: graph.buildReport } : {}),
      ...(twoStage ? { two_stage: twoStage } : {}),
    },
  };
  const row: NetworkGraphRow = {
    id: randomUUID(),
    experiment_id: experimentId,
    graph_type: input.graph_type,
    nodes,
    // The compact form is an object inside the JSON column (see the header comment).
    edges: edges as NetworkGraphRow["edges"],
    clusters,
    spillover_model: stored,
    randomization_seed: seed,
    modularity: Number.isFinite(design.modularity) ? design.modularity : null,
    created_at: iso(ctx),
  };
  // On a Running experiment the new graph is pushed to the edge (docs/sync-protocol.md, "Networks"):
  // insert, allocation_version bump and outbox entry in one transaction.
  await writeAndPush(ctx, experimentId, [insertNetworkGraphQuery(ctx.db, row)]);
  return graphView(row, false);
}

async function requireGraph(ctx: ServiceContext, id: string): Promise<NetworkGraphRow> {
  const row = await findNetworkGraph(ctx.db, id);
  if (!row) throw new NotFoundError(`network graph ${id} not found`);
  return row;
}

/** One graph: with nodes, node_clusters and edges, or (`summary`) without them. */
export async function getNetworkGraph(ctx: ServiceContext, id: string, include: "full" | "summary"): Promise<NetworkGraphView> {
  if (include === "summary") {
    const row = await findNetworkGraphSummary(ctx.db, id);
    if (!row) throw new NotFoundError(`network graph ${id} not found`);
    return graphView(row, false);
  }
  return graphView(await requireGraph(ctx, id), true);
}

/** A page of an experiment's graphs, as summaries. */
export async function listNetworkGraphsPage(ctx: ServiceContext, experimentId: string, page: { limit: number; offset: number }) {
  if (!(await experimentExists(ctx.db, experimentId))) throw new NotFoundError(`experiment ${experimentId} not found`);
  const { items, total } = await listNetworkGraphs(ctx.db, experimentId, page);
  return { items: items.map((r) => graphView(r, false)), total, limit: page.limit, offset: page.offset };
}

/** The stored graph as core's CSR graph (from the plain lists or the compact bytes). */
function graphOfRow(row: NetworkGraphRow): NetworkGraph {
  const edges: unknown = row.edges;
  if (isCompact(edges)) return decodeNetworkGraph(Buffer.from(edges.data, "base64"));
  return buildNetworkGraph({ nodes: row.nodes.map((n) => ({ node_id: n.node_id })), edges: edges as EdgeItem[] });
}

type SpilloverDetails = Omit<SpilloverMeasurementView, "id" | "graph_id" | "timestamp" | "affected_nodes">;

function measurementView(row: SpilloverMeasurementRow): SpilloverMeasurementView {
  const details = row.details as unknown as SpilloverDetails;
  return { id: row.id, graph_id: row.graph_id, timestamp: row.timestamp, ...details, affected_nodes: row.affected_nodes };
}

/** Measures the spillover of the graph's stored design from the nodes' outcomes and stores the measurement. */
export async function measureGraphSpillover(ctx: ServiceContext, graphId: string, body: SpilloverRequestBody): Promise<SpilloverMeasurementView> {
  const row = await requireGraph(ctx, graphId);
  const model = storedModel(row);
  if (model.design.retained === GRAPH_RETAINED_SUMMARY) {
    throw new ApiError(
      409,
      "graph_pruned",
      `network graph ${graphId} was pruned to its summary after its experiment ended (retention: network graphs are kept for the duration of the experiment); ` +
        "its nodes and edges are gone, so spillover can no longer be measured; earlier measurements stay at GET /v1/network-graphs/{id}/spillover",
    );
  }
  if (model.design.two_stage !== undefined) {
    throw new RuleViolationError(
      "spillover is measured under cluster randomisation; this graph has a two-stage design: use POST /v1/network-graphs/{id}/interference-test",
      [{ path: "design", message: "two-stage graph" }],
    );
  }
  const graph = graphOfRow(row);
  const node_clusters = Object.fromEntries(row.nodes.map((n) => [n.node_id, n.cluster_id ?? ""]));
  const m: SpilloverMeasurement = measureSpillover({
    graph,
    design: { clusters: row.clusters, node_clusters, treatments: model.design.treatments, randomization: model.design.randomization },
    spillover_model: { influence_decay: model.influence_decay, threshold: model.threshold },
    randomization_seed: row.randomization_seed,
    outcomes: body.outcomes,
    options: { estimator: body.estimator, replays: body.replays },
  });
  const missing = graph.nodeCount - body.outcomes.length;
  const notes = [...m.notes];
  if (missing > 0) {
    notes.push(`${missing} of ${graph.nodeCount} nodes have no outcome and were excluded from the estimates (they still count in their neighbours' exposure)`);
  }
  const details: SpilloverDetails = {
    direct_effect: m.direct_effect,
    indirect_effect: m.indirect_effect,
    total_effect: m.total_effect,
    estimator: m.estimator,
    n_by_condition: m.n_by_condition,
    replays: m.replays,
    exposure: m.exposure,
    outcomes: { given: body.outcomes.length, missing },
    notes,
  };
  const stored: SpilloverMeasurementRow = {
    id: randomUUID(),
    graph_id: graphId,
    timestamp: iso(ctx),
    direct_effect: m.direct_effect.estimate ?? 0,
    indirect_effect: m.indirect_effect.estimate ?? 0,
    total_effect: m.total_effect.estimate ?? 0,
    affected_nodes: m.affected_nodes,
    details: details as unknown as Record<string, unknown>,
  };
  await insertSpilloverMeasurement(ctx.db, stored);
  return measurementView(stored);
}

/** A page of a graph's spillover measurements in time order. */
export async function listSpilloverPage(ctx: ServiceContext, graphId: string, page: { limit: number; offset: number }) {
  if (!(await findNetworkGraphSummary(ctx.db, graphId))) throw new NotFoundError(`network graph ${graphId} not found`);
  const { items, total } = await listSpilloverMeasurements(ctx.db, graphId, page);
  return { items: items.map(measurementView), total, limit: page.limit, offset: page.offset };
}

/** The interference test of Saveski et al. (2017) on a two-stage graph's outcomes (not stored). */
export async function runInterferenceTest(ctx: ServiceContext, graphId: string, body: InterferenceTestRequestBody): Promise<InterferenceTestResultView> {
  const row = await requireGraph(ctx, graphId);
  const d = storedModel(row).design;
  if (d.retained === GRAPH_RETAINED_SUMMARY) {
    throw new ApiError(409, "graph_pruned", `network graph ${graphId} was pruned to its summary after its experiment ended; the test needs its nodes`);
  }
  if (d.two_stage === undefined) {
    throw new RuleViolationError('the interference test needs a graph created with design "two-stage"', [{ path: "design", message: "not a two-stage graph" }]);
  }
  const clusterIndex = new Map(row.clusters.map((c, k) => [c.cluster_id, k]));
  const nodeIndex = new Map(row.nodes.map((n, i) => [n.node_id, i]));
  const outcomes = new Float64Array(row.nodes.length).fill(Number.NaN);
  body.outcomes.forEach((o, k) => {
    const i = nodeIndex.get(o.node_id);
    if (i === undefined) throw new RuleViolationError(`outcome for unknown node "${o.node_id}"`, [{ path: `outcomes.${k}.node_id`, message: "not a node of the graph" }]);
    if (!Number.isNaN(outcomes[i]!)) throw new RuleViolationError(`repeated outcome for node "${o.node_id}"`, [{ path: `outcomes.${k}.node_id`, message: "repeated node" }]);
    if (!Number.isFinite(o.value)) throw new RuleViolationError("outcome values must be finite", [{ path: `outcomes.${k}.value`, message: "not finite" }]);
    outcomes[i] = o.value;
  });
  const clusterOf = Int32Array.from(row.nodes, (n) => clusterIndex.get(n.cluster_id ?? "") ?? 0);
  const treated = Uint8Array.from(row.nodes, (n) => (n.treatment === d.treatments[1] ? 1 : 0));
  const r = interferenceTest(clusterOf, { clusterArm: Uint8Array.from(d.two_stage.cluster_arm), treated }, outcomes, { alpha: body.alpha });
  return {
    graph_id: graphId,
    estimate_cluster: r.cluster_randomized.estimate,
    estimate_unit: r.unit_randomized.estimate,
    difference: r.difference,
    std_error: r.std_error,
    z: r.statistic,
    p_value: r.p_value,
    alpha: r.alpha,
    interference_detected: r.interference_detected,
    cluster_randomized: { ...r.cluster_randomized },
    unit_randomized: { ...r.unit_randomized },
    outcomes: { given: body.outcomes.length, missing: row.nodes.length - body.outcomes.length },
  };
}
