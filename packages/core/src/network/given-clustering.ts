// Clusters supplied by the caller: from a `{node_id: cluster_id}` map, or else from each node's
// `attributes.cluster_id` (the data model's per-node cluster field).

import { InvalidArgumentError } from "../errors.js";
import { clusteringFromLabels } from "./partition.js";
import type { Clustering, NetworkGraph } from "./types.js";

/**
 * The clustering the caller gives: `assignment[node_id]` when a map is passed (it must cover every
 * node and name no unknown node), otherwise `attributes.cluster_id` (string or number) of every
 * node. Cluster ids are kept as given (as strings).
 */
export function givenClustering(graph: NetworkGraph, assignment?: Readonly<Record<string, string | number>>): Clustering {
  const labels: string[] = new Array(graph.nodeCount);
  if (assignment !== undefined) {
    if (typeof assignment !== "object" || assignment === null) {
      throw new InvalidArgumentError("node_clusters must be an object {node_id: cluster_id}", "node_clusters");
    }
    for (const id of Object.keys(assignment)) {
      if (!graph.nodeIndex.has(id)) throw new InvalidArgumentError(`node_clusters names unknown node '${id}'`, `node_clusters.${id}`);
    }
    for (let i = 0; i < graph.nodeCount; i++) {
      const id = graph.nodeIds[i]!;
      labels[i] = checkLabel(Object.prototype.hasOwnProperty.call(assignment, id) ? assignment[id] : undefined, id, `node_clusters.${id}`);
    }
  } else {
    for (let i = 0; i < graph.nodeCount; i++) {
      const id = graph.nodeIds[i]!;
      labels[i] = checkLabel(graph.attributes[i]?.cluster_id, id, `nodes.${i}.attributes.cluster_id`);
    }
  }
  return clusteringFromLabels(labels, true);
}

function checkLabel(value: unknown, nodeId: string, path: string): string {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value.length > 0) return value;
  throw new InvalidArgumentError(`node '${nodeId}' has no cluster_id (clustering method "given" needs one per node)`, path);
}
