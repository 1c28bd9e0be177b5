// Observations repository: the raw rows statistical models are fitted to. An import is written
// as chunked multi-row INSERTs in one write batch (one transaction), so a failed import leaves no
// rows behind; reads page through the rows, list the distinct column names (json_each) and load
// every row of an experiment in insertion order for a fit.

import type { InStatement } from "@libsql/client";
import { asc, count, eq, getTableName, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { experimentObservations } from "../schema/index.js";

export type ObservationRow = typeof experimentObservations.$inferSelect;
export type ObservationCell = number | string | boolean | null;

/** Rows per INSERT statement (3 bound parameters each, well under SQLite's variable limit). */
export const OBSERVATION_CHUNK = 500;

/**
 * Inserts every row in one transaction (one libSQL write batch of chunked multi-row INSERTs with
 * bound parameters; drizzle's query builder is bypassed here because it costs ~30x more per row
 * on a 50 MB import); returns the number inserted.
 */
export async function insertObservations(
  db: Db,
  experimentId: string,
  rows: readonly Record<string, unknown>[],
  createdAt: string,
  chunkSize = OBSERVATION_CHUNK,
): Promise<number> {
  if (rows.length === 0) return 0;
  const table = getTableName(experimentObservations);
  const c = experimentObservations;
  const head = `INSERT INTO "${table}" ("${c.experiment_id.name}", "${c.row.name}", "${c.created_at.name}") VALUES `;
  const statements: InStatement[] = [];
  for (let i = 0; i < rows.length; i += chunkSize) {
    const chunk = rows.slice(i, i + chunkSize);
    const args: string[] = [];
    for (const row of chunk) args.push(experimentId, JSON.stringify(row), createdAt);
    statements.push({ sql: head + chunk.map(() => "(?, ?, ?)").join(", "), args });
  }
  await db.$client.batch(statements, "write");
  return rows.length;
}

export async function countObservations(db: Db, experimentId: string): Promise<number> {
  const rows = await db.select({ n: count() }).from(experimentObservations).where(eq(experimentObservations.experiment_id, experimentId));
  return rows[0]?.n ?? 0;
}

/** A page of rows in insertion order. */
export async function listObservations(db: Db, experimentId: string, page: { limit: number; offset: number }): Promise<{ items: ObservationRow[]; total: number }> {
  const items = await db
    .select()
    .from(experimentObservations)
    .where(eq(experimentObservations.experiment_id, experimentId))
    .orderBy(asc(experimentObservations.id))
    .limit(page.limit)
    .offset(page.offset);
  return { items, total: await countObservations(db, experimentId) };
}

/** Distinct column names over every row of the experiment. */
export async function observationColumns(db: Db, experimentId: string): Promise<string[]> {
  const rows = await db.all<{ key: string }>(
    sql`SELECT DISTINCT j.key AS key FROM ${experimentObservations}, json_each(${experimentObservations.row}) AS j WHERE ${experimentObservations.experiment_id} = ${experimentId}`,
  );
  return rows.map((r) => r.key);
}

/** Every row of the experiment in insertion order, with its id. */
export async function loadObservations(db: Db, experimentId: string): Promise<{ ids: number[]; rows: Record<string, unknown>[] }> {
  const found = await db
    .select({ id: experimentObservations.id, row: experimentObservations.row })
    .from(experimentObservations)
    .where(eq(experimentObservations.experiment_id, experimentId))
    .orderBy(asc(experimentObservations.id));
  return { ids: found.map((r) => r.id), rows: found.map((r) => r.row) };
}
