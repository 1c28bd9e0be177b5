// Observations repository: the raw rows statistical models are fitted to. An import is written
// as chunked multi-row INSERTs in one write batch (one transaction), so a failed import leaves no
// rows behind; reads page through the rows, list the distinct column names (json_each) and load
// every row of an experiment in insertion order for a fit. Fits read only the columns their
// formula and options name, in pages, as transferable typed arrays (loadObservationColumns).

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

// ---------------------------------------------------------------------------------------------
// Column loading for fits

/** Rows per page of a column load (each page is one query answering one JSON text). */
export const OBSERVATION_PAGE = 16_384;

/**
 * One observation column in a transferable form: `numbers[i]` holds row i's value when
 * `codes[i]` is NUMBER (or when `codes` is null: every value so far was a number), else
 * `codes[i]` is MISSING (the row has no such key) or an index into `dictionary` (strings,
 * booleans, null and anything else, each distinct primitive stored once).
 */
export interface EncodedColumn {
  readonly name: string;
  numbers: Float64Array;
  codes: Int32Array | null;
  readonly dictionary: unknown[];
}

/** Observation rows as columns (only the columns asked for), with their ids, in insertion order. */
export interface ObservationColumns {
  n: number;
  ids: Float64Array;
  readonly columns: EncodedColumn[];
}

export const CELL_NUMBER = -1;
export const CELL_MISSING = -2;

/** The ArrayBuffers of `data`, for a zero-copy postMessage / workerData transfer. */
export function columnBuffers(data: ObservationColumns): ArrayBuffer[] {
  const out: ArrayBuffer[] = [data.ids.buffer as ArrayBuffer];
  for (const c of data.columns) {
    out.push(c.numbers.buffer as ArrayBuffer);
    if (c.codes) out.push(c.codes.buffer as ArrayBuffer);
  }
  return out;
}

function grow<T extends Float64Array | Int32Array>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const b = make(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

class ColumnBuilder {
  readonly column: EncodedColumn;
  private readonly index = new Map<unknown, number>();
  /** A key that plain property reads would confuse with the prototype. */
  private readonly special: boolean;
  constructor(name: string, capacity: number) {
    this.column = { name, numbers: new Float64Array(capacity), codes: null, dictionary: [] };
    this.special = name === "__proto__";
  }

  reserve(n: number): void {
    const c = this.column;
    c.numbers = grow(c.numbers, n, (k) => new Float64Array(k));
    if (c.codes) c.codes = grow(c.codes, n, (k) => new Int32Array(k));
  }

  set(i: number, row: Record<string, unknown>): void {
    const c = this.column;
    const v = this.special && !Object.hasOwn(row, c.name) ? undefined : row[c.name];
    if (typeof v === "number") {
      c.numbers[i] = v;
      if (c.codes) c.codes[i] = CELL_NUMBER;
      return;
    }
    if (!c.codes) {
      c.codes = new Int32Array(c.numbers.length).fill(CELL_NUMBER);
    }
    if (v === undefined) {
      c.codes[i] = CELL_MISSING;
      return;
    }
    const isPrimitive = v === null || typeof v !== "object";
    let k = isPrimitive ? this.index.get(v) : undefined;
    if (k === undefined) {
      k = c.dictionary.length;
      c.dictionary.push(v);
      if (isPrimitive) this.index.set(v, k);
    }
    c.codes[i] = k;
  }
}

/** Row i of `data` as an object holding the loaded columns (a key missing in the stored row stays missing). */
function decodeInto(data: ObservationColumns, i: number): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of data.columns) {
    const code = c.codes ? c.codes[i]! : CELL_NUMBER;
    if (code === CELL_MISSING) continue;
    const v = code === CELL_NUMBER ? c.numbers[i] : c.dictionary[code];
    if (c.name === "__proto__") Object.defineProperty(row, c.name, { value: v, enumerable: true, writable: true, configurable: true });
    else row[c.name] = v;
  }
  return row;
}

/** The rows of `data` as objects, as the fit functions take them. */
export function rowsFromColumns(data: ObservationColumns): Record<string, unknown>[] {
  const rows = new Array<Record<string, unknown>>(data.n);
  for (let i = 0; i < data.n; i++) rows[i] = decodeInto(data, i);
  return rows;
}

/**
 * The given columns of every row of the experiment in insertion order, with the row ids. Pages
 * of OBSERVATION_PAGE rows (keyset on id): each page is one query whose answer is the page's ids
 * and stored rows as two JSON array texts (group_concat), parsed once in JavaScript; only the
 * requested columns are kept. `onPage` is awaited after each page (progress; it also lets the
 * event loop run between pages).
 */
export async function loadObservationColumns(
  db: Db,
  experimentId: string,
  columns: readonly string[],
  opts: { pageSize?: number; onPage?: (loaded: number, total: number) => void | Promise<void> } = {},
): Promise<ObservationColumns> {
  const pageSize = opts.pageSize ?? OBSERVATION_PAGE;
  const total = await countObservations(db, experimentId);
  const builders = [...new Set(columns)].map((name) => new ColumnBuilder(name, total));
  let ids = new Float64Array(total);
  const table = getTableName(experimentObservations);
  const c = experimentObservations;
  const query =
    `SELECT count(*) AS n, '[' || group_concat("${c.id.name}", ',') || ']' AS ids, '[' || group_concat("${c.row.name}", ',') || ']' AS rows ` +
    `FROM (SELECT "${c.id.name}", "${c.row.name}" FROM "${table}" WHERE "${c.experiment_id.name}" = ? AND "${c.id.name}" > ? ORDER BY "${c.id.name}" LIMIT ?)`;
  let n = 0;
  let after = -1;
  for (;;) {
    const res = await db.$client.execute({ sql: query, args: [experimentId, after, pageSize] });
    const head = res.rows[0];
    const count = Number(head?.n ?? 0);
    if (!head || count === 0) break;
    const pageIds = JSON.parse(String(head.ids)) as number[];
    const pageRows = JSON.parse(String(head.rows)) as Record<string, unknown>[];
    // group_concat follows the subquery's order in SQLite; sort defensively if a server did not.
    const order = pageIds.every((id, k) => k === 0 || id > pageIds[k - 1]!) ? null : pageIds.map((_, k) => k).sort((a, b) => pageIds[a]! - pageIds[b]!);
    ids = grow(ids, n + count, (k) => new Float64Array(k));
    for (const b of builders) b.reserve(n + count);
    for (let k = 0; k < count; k++) {
      const src = order ? order[k]! : k;
      ids[n + k] = pageIds[src]!;
      const row = pageRows[src]!;
      for (const b of builders) b.set(n + k, row);
    }
    n += count;
    after = ids[n - 1]!;
    if (opts.onPage) await opts.onPage(n, Math.max(total, n));
    if (count < pageSize) break;
  }
  return { n, ids, columns: builders.map((b) => b.column) };
}

/** Whether a column name can be written as a quoted SQLite JSON path label (`$."name"`). */
function pathSafe(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    // quotes and backslashes, control characters, and surrogates (lone ones cannot be bound as UTF-8)
    if (c === 0x22 || c === 0x5c || c < 0x20 || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return name.length > 0;
}

/**
 * Which of `columns` no row of the experiment has (json_type of the key, one EXISTS query per
 * column, which stops at the first row that has it); names that cannot be written as a JSON path
 * are answered from the full column list.
 */
export async function missingObservationColumns(db: Db, experimentId: string, columns: readonly string[]): Promise<string[]> {
  const wanted = [...new Set(columns)];
  if (wanted.length === 0) return [];
  if (!wanted.every(pathSafe)) {
    const known = new Set(await observationColumns(db, experimentId));
    return wanted.filter((name) => !known.has(name));
  }
  const table = getTableName(experimentObservations);
  const c = experimentObservations;
  const exists = wanted
    .map((_, k) => `EXISTS (SELECT 1 FROM "${table}" WHERE "${c.experiment_id.name}" = ? AND json_type("${c.row.name}", ?) IS NOT NULL) AS c${k}`)
    .join(", ");
  const res = await db.$client.execute({ sql: `SELECT ${exists}`, args: wanted.flatMap((name) => [experimentId, `$."${name}"`]) });
  const row = res.rows[0]!;
  return wanted.filter((_, k) => Number(row[`c${k}`]) !== 1);
}
