// One entry point for the clustering methods of the API (`louvain`, `components`, `given`) and
// the optional `three-net`; the result is asserted to partition all nodes.

import { InvalidArgumentError } from "../errors.js";
import type { Rng } from "../random/rng.js";
import { connectedComponents } from "./connected-components.js";
import { givenClustering } from "./given-clustering.js";
import { louvainClustering } from "./louvain-clustering.js";
import { assertPartition, clusteringFromLabels } from "./partition.js";
import { threeNetClustering } from "./three-net-clustering.js";
import { CLUSTERING_METHODS, type Clustering, type ClusteringMethod, type NetworkGraph } from "./types.js";

export interface ClusterGraphOptions {
  readonly method: ClusteringMethod;
  /** Louvain resolution (default 1); ignored by the other methods. */
  readonly resolution?: number;
  /** Louvain engine: "csr" (default) or "graphology". */
  readonly engine?: "csr" | "graphology";
  /** Needed by the randomised methods (louvain, three-net). */
  readonly rng?: Rng;
  /** For "given": a {node_id: cluster_id} map; without it, nodes' attributes.cluster_id. */
  readonly assignment?: Readonly<Record<string, string | number>>;
}

/** Clusters the graph by the named method and asserts the result partitions every node. */
export function clusterGraph(graph: NetworkGraph, options: ClusterGraphOptions): Clustering {
  const { method } = options;
  let clustering: Clustering;
  switch (method) {
    case "louvain":
      clustering = louvainClustering(graph, {
        resolution: options.resolution ?? 1,
        rng: requireRng(options.rng, method),
        ...(options.engine ? { engine: options.engine } : {}),
      });
      break;
    case "components":
      clustering = clusteringFromLabels(connectedComponents(graph).componentOf);
      break;
    case "given":
      clustering = givenClustering(graph, options.assignment);
      break;
    case "three-net":
      clustering = threeNetClustering(graph, requireRng(options.rng, method));
      break;
    default:
      throw new InvalidArgumentError(
        `clustering method must be one of ${CLUSTERING_METHODS.join(", ")}, got ${String(method)}`,
        "clustering.method",
      );
  }
  assertPartition(graph, clustering);
  return clustering;
}

function requireRng(rng: Rng | undefined, method: string): Rng {
  if (typeof rng !== "function") throw new InvalidArgumentError(`clustering method "${method}" needs a seeded rng`, "rng");
  return rng;
}
