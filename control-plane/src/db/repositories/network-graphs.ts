// Network-graph repository: NetworkGraph rows (one per clustered, randomised graph) and their
// SpilloverMeasurements over time. Encoding decisions (what goes inside the JSON columns) belong
// to services/network-graphs.ts; this file only reads and writes rows.

import { asc, count, eq } from "drizzle-orm";
import type { Db } from "../client.js";
import { networkGraphs, spilloverMeasurements } from "../schema/index.js";

export type NetworkGraphRow = typeof networkGraphs.$inferSelect;
export type NetworkGraphInsert = typeof networkGraphs.$inferInsert;
export type SpilloverMeasurementRow = typeof spilloverMeasurements.$inferSelect;
export type SpilloverMeasurementInsert = typeof spilloverMeasurements.$inferInsert;
/** A graph row without its (possibly large) nodes and edges columns. */
export type NetworkGraphSummaryRow = Omit<NetworkGraphRow, "nodes" | "edges">;

const summaryColumns = {
  id: networkGraphs.id,
  experiment_id: networkGraphs.experiment_id,
  graph_type: networkGraphs.graph_type,
  clusters: networkGraphs.clusters,
  spillover_model: networkGraphs.spillover_model,
  randomization_seed: networkGraphs.randomization_seed,
  modularity: networkGraphs.modularity,
  created_at: networkGraphs.created_at,
};

export async function insertNetworkGraph(db: Db, row: NetworkGraphInsert): Promise<void> {
  await insertNetworkGraphQuery(db, row);
}

/** The INSERT of a graph as a batchable query (so an allocation push can join its transaction). */
export function insertNetworkGraphQuery(db: Db, row: NetworkGraphInsert) {
  return db.insert(networkGraphs).values(row);
}

/** The full row (nodes and edges included). */
export async function findNetworkGraph(db: Db, id: string): Promise<NetworkGraphRow | undefined> {
  const rows = await db.select().from(networkGraphs).where(eq(networkGraphs.id, id)).limit(1);
  return rows[0];
}

/** The row without nodes and edges. */
export async function findNetworkGraphSummary(db: Db, id: string): Promise<NetworkGraphSummaryRow | undefined> {
  const rows = await db.select(summaryColumns).from(networkGraphs).where(eq(networkGraphs.id, id)).limit(1);
  return rows[0];
}

/** A page of an experiment's graphs (summaries), oldest first, with the total. */
export async function listNetworkGraphs(
  db: Db,
  experimentId: string,
  opts: { limit: number; offset: number },
): Promise<{ items: NetworkGraphSummaryRow[]; total: number }> {
  const where = eq(networkGraphs.experiment_id, experimentId);
  const [items, totals] = await db.batch([
    db.select(summaryColumns).from(networkGraphs).where(where).orderBy(asc(networkGraphs.created_at), asc(networkGraphs.id)).limit(opts.limit).offset(opts.offset),
    db.select({ n: count() }).from(networkGraphs).where(where),
  ]);
  return { items, total: totals[0]?.n ?? 0 };
}

/** Bytes the graph's stored columns take (length of their JSON text), for size checks. */
export async function storedGraphBytes(db: Db, id: string): Promise<number | undefined> {
  const rows = await db.$client.execute({
    sql: "SELECT length(nodes) + length(edges) + length(clusters) + length(spillover_model) AS n FROM network_graphs WHERE id = ?",
    args: [id],
  });
  const n = rows.rows[0]?.["n"];
  return n === undefined || n === null ? undefined : Number(n);
}

export async function insertSpilloverMeasurement(db: Db, row: SpilloverMeasurementInsert): Promise<void> {
  await db.insert(spilloverMeasurements).values(row);
}

/** A page of a graph's measurements in time order, with the total. */
export async function listSpilloverMeasurements(
  db: Db,
  graphId: string,
  opts: { limit: number; offset: number },
): Promise<{ items: SpilloverMeasurementRow[]; total: number }> {
  const where = eq(spilloverMeasurements.graph_id, graphId);
  const [items, totals] = await db.batch([
    db
      .select()
      .from(spilloverMeasurements)
      .where(where)
      .orderBy(asc(spilloverMeasurements.timestamp), asc(spilloverMeasurements.id))
      .limit(opts.limit)
      .offset(opts.offset),
    db.select({ n: count() }).from(spilloverMeasurements).where(where),
  ]);
  return { items, total: totals[0]?.n ?? 0 };
}
