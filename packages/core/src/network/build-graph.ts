// Builds the compact graph from the API's nodes and edges, validating every data-model rule on
// the way (unique non-empty node ids, edges between known nodes, weights in [0, 1]). Errors are
// InvalidArgumentError with the offending element's path (`nodes.3.node_id`, `edges.12.weight`).
//
// Decisions (documented in the API docs of buildNetworkGraph):
// - The graph is undirected: (u, v) and (v, u) are the same edge.
// - Self-loops are rejected by default (a node cannot be its own neighbour for exposure); with
//   `selfLoops: "ignore"` they are dropped and counted in the build report.
// - Repeated pairs are rejected by default; `duplicateEdges: "max"` merges them keeping the
//   largest weight (a sum could leave [0, 1]).
// - A missing weight means 1; weight 0 is valid input but carries no influence, so the edge is
//   dropped (counted in the report).

import { InvalidArgumentError } from "../errors.js";
import { assembleGraph, type DuplicateEdgePolicy } from "./compressed-sparse-rows.js";
import type { NetworkEdgeInput, NetworkGraph, NetworkNodeInput } from "./types.js";

export interface BuildGraphOptions {
  /** "reject" (default): a self-loop is an error; "ignore": dropped and counted. */
  readonly selfLoops?: "reject" | "ignore";
  /** "reject" (default): a repeated pair is an error; "max": merged, keeping the larger weight. */
  readonly duplicateEdges?: DuplicateEdgePolicy;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Validates the API's `{nodes, edges}` and builds the undirected CSR graph (node order as
 * given). Throws InvalidArgumentError naming the first offending node or edge by path.
 */
export function buildNetworkGraph(
  input: { readonly nodes: readonly NetworkNodeInput[]; readonly edges: readonly NetworkEdgeInput[] },
  options: BuildGraphOptions = {},
): NetworkGraph {
  const { nodes, edges } = input;
  if (!Array.isArray(nodes)) throw new InvalidArgumentError("nodes must be an array", "nodes");
  if (!Array.isArray(edges)) throw new InvalidArgumentError("edges must be an array", "edges");
  if (nodes.length === 0) throw new InvalidArgumentError("a network graph needs at least one node", "nodes");
  const selfLoops = options.selfLoops ?? "reject";
  const duplicates = options.duplicateEdges ?? "reject";
  if (selfLoops !== "reject" && selfLoops !== "ignore") {
    throw new InvalidArgumentError(`selfLoops must be "reject" or "ignore", got ${String(selfLoops)}`, "selfLoops");
  }
  if (duplicates !== "reject" && duplicates !== "max") {
    throw new InvalidArgumentError(`duplicateEdges must be "reject" or "max", got ${String(duplicates)}`, "duplicateEdges");
  }

  const n = nodes.length;
  const nodeIds: string[] = new Array(n);
  const attributes: (Readonly<Record<string, unknown>> | undefined)[] = new Array(n);
  const nodeIndex = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const node = nodes[i];
    if (!isPlainObject(node)) throw new InvalidArgumentError("a node must be an object {node_id, attributes?}", `nodes.${i}`);
    const id = node.node_id;
    if (typeof id !== "string" || id.length === 0) {
      throw new InvalidArgumentError("node_id must be a non-empty string", `nodes.${i}.node_id`);
    }
    const seen = nodeIndex.get(id);
    if (seen !== undefined) {
      throw new InvalidArgumentError(`duplicate node_id '${id}' (first at nodes.${seen})`, `nodes.${i}.node_id`);
    }
    if (node.attributes !== undefined && !isPlainObject(node.attributes)) {
      throw new InvalidArgumentError(`attributes of node '${id}' must be an object`, `nodes.${i}.attributes`);
    }
    nodeIndex.set(id, i);
    nodeIds[i] = id;
    attributes[i] = node.attributes as Readonly<Record<string, unknown>> | undefined;
  }

  const E = edges.length;
  let src = new Int32Array(E);
  let dst = new Int32Array(E);
  let w = new Float64Array(E);
  // Kept edge k came from input edge origin[k] (differs only when self-loops are dropped).
  let origin: Int32Array | null = null;
  let k = 0;
  let selfLoopsIgnored = 0;
  for (let e = 0; e < E; e++) {
    const edge = edges[e];
    if (!isPlainObject(edge)) throw new InvalidArgumentError("an edge must be an object {source, target, weight}", `edges.${e}`);
    const s = typeof edge.source === "string" ? nodeIndex.get(edge.source) : undefined;
    if (s === undefined) {
      throw new InvalidArgumentError(`edge source '${String(edge.source)}' is not a node of the graph`, `edges.${e}.source`);
    }
    const t = typeof edge.target === "string" ? nodeIndex.get(edge.target) : undefined;
    if (t === undefined) {
      throw new InvalidArgumentError(`edge target '${String(edge.target)}' is not a node of the graph`, `edges.${e}.target`);
    }
    const weight = edge.weight === undefined ? 1 : edge.weight;
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0 || weight > 1) {
      throw new InvalidArgumentError(
        `edge weight must be a number in [0, 1], got ${String(weight)} (edge '${edge.source}' - '${edge.target}')`,
        `edges.${e}.weight`,
      );
    }
    if (s === t) {
      if (selfLoops === "reject") {
        throw new InvalidArgumentError(
          `self-loop on node '${edge.source}': a node cannot be its own neighbour (pass selfLoops: "ignore" to drop self-loops)`,
          `edges.${e}`,
        );
      }
      selfLoopsIgnored++;
      if (!origin) {
        origin = new Int32Array(E);
        for (let q = 0; q < k; q++) origin[q] = q;
      }
      continue;
    }
    src[k] = s;
    dst[k] = t;
    w[k] = weight;
    if (origin) origin[k] = e;
    k++;
  }
  if (k < E) {
    src = src.slice(0, k);
    dst = dst.slice(0, k);
    w = w.slice(0, k);
  }
  const o = origin;
  return assembleGraph(nodeIds, nodeIndex, attributes, src, dst, w, {
    duplicates,
    selfLoopsIgnored,
    edgePath: (q) => `edges.${o ? o[q]! : q}`,
  });
}
