// Observation imports: rows as JSON (already shape-checked by the route's zod schema) or CSV text
// (parsed here; errors name the line), written in one transaction for an existing experiment.

import { insertObservations, listObservations, type ObservationRow } from "../db/repositories/observations.js";
import { ValidationError } from "../errors.js";
import { CsvError, parseCsv } from "../routes/observations/csv.js";
import { getExperiment, type ServiceContext } from "./experiments.js";

/** Inserts rows for an experiment (404 if it does not exist); all or nothing. */
export async function importObservations(ctx: ServiceContext, experimentId: string, rows: Record<string, unknown>[]): Promise<{ inserted: number }> {
  await getExperiment(ctx, experimentId);
  if (rows.length === 0) throw new ValidationError("no rows to insert", [{ path: "rows", message: "at least one row is required" }]);
  const inserted = await insertObservations(ctx.db, experimentId, rows, new Date(ctx.clock()).toISOString());
  return { inserted };
}

/** Parses a CSV body into rows; a malformed file is a 400 naming the line. */
export function rowsFromCsv(text: string): Record<string, unknown>[] {
  try {
    return parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError) throw new ValidationError(`CSV is invalid: ${err.message}`, [{ path: `line ${err.line}`, message: err.message }]);
    throw err;
  }
}

export async function pageObservations(
  ctx: ServiceContext,
  experimentId: string,
  page: { limit: number; offset: number },
): Promise<{ items: ObservationRow[]; total: number }> {
  await getExperiment(ctx, experimentId);
  return listObservations(ctx.db, experimentId, page);
}
