// Loading observation columns for a fit (db/repositories/observations.ts): the rows rebuilt from
// the paged, columnar load equal the stored rows restricted to the asked columns (numbers,
// strings, booleans, null and missing keys kept apart; insertion order across pages), the
// column buffers can be transferred, and the column-presence check agrees with the full list.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  columnBuffers,
  insertObservations,
  loadObservationColumns,
  loadObservations,
  missingObservationColumns,
  rowsFromColumns,
} from "../src/db/repositories/observations.js";
import { experimentBody, testApp, type TestApp } from "./helpers.js";

describe("observation columns", () => {
  let t: TestApp;
  let experimentId: string;

  beforeEach(async () => {
    t = await testApp();
    const created = await t.json("POST", "/v1/experiments", experimentBody());
    expect(created.status).toBe(201);
    experimentId = created.body.id;
  });
  afterEach(() => t.close());

  const rows: Record<string, unknown>[] = Array.from({ length: 53 }, (_, i) => {
    const row: Record<string, unknown> = { y: i * 0.1, x: i % 5 === 0 ? String(i) : i, g: i % 7 === 0 ? true : `g${i % 3}`, 'odd "name"': i, other: "x" };
    if (i % 11 === 0) row.y = null;
    if (i % 13 === 0) delete row.x;
    if (i === 4) row.g = false;
    return row;
  });
  const pick = (r: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => Object.hasOwn(r, k)).map((k) => [k, r[k]]));

  it("rebuilds the stored rows restricted to the asked columns, in insertion order across pages", async () => {
    await insertObservations(t.db, experimentId, rows.slice(0, 20), new Date(0).toISOString());
    await insertObservations(t.db, experimentId, rows.slice(20), new Date(0).toISOString());
    const keys = ["y", "x", "g", 'odd "name"', "absent"];
    const pages: number[] = [];
    const data = await loadObservationColumns(t.db, experimentId, keys, { pageSize: 8, onPage: (loaded) => void pages.push(loaded) });
    expect(data.n).toBe(53);
    expect(pages).toEqual([8, 16, 24, 32, 40, 48, 53]);
    const stored = await loadObservations(t.db, experimentId);
    expect(Array.from(data.ids.subarray(0, data.n))).toEqual(stored.ids);
    const rebuilt = rowsFromColumns(data);
    expect(rebuilt).toEqual(stored.rows.map((r) => pick(r, keys)));
    expect(rebuilt[13]).not.toHaveProperty("x");
    expect(rebuilt[11]).toHaveProperty("y", null);
    expect(rebuilt[7]!.g).toBe(true);
    expect(rebuilt[4]!.g).toBe(false);
    expect(rebuilt[5]!.x).toBe("5");
    expect(rebuilt.every((r) => !Object.hasOwn(r, "absent"))).toBe(true);
    // Every buffer is distinct and transferable.
    const buffers = columnBuffers(data);
    expect(new Set(buffers).size).toBe(buffers.length);
    const moved = structuredClone(data, { transfer: buffers });
    expect(rowsFromColumns(moved)).toEqual(rebuilt);
  });

  it("an experiment without rows loads as empty", async () => {
    const data = await loadObservationColumns(t.db, experimentId, ["y"]);
    expect(data.n).toBe(0);
    expect(rowsFromColumns(data)).toEqual([]);
  });

  it("names the columns no row has (also for names a JSON path cannot quote)", async () => {
    await insertObservations(t.db, experimentId, rows, new Date(0).toISOString());
    expect(await missingObservationColumns(t.db, experimentId, ["y", "x", "g", "z", "other"])).toEqual(["z"]);
    expect(await missingObservationColumns(t.db, experimentId, ['odd "name"', 'not "there"'])).toEqual(['not "there"']);
    expect(await missingObservationColumns(t.db, experimentId, [])).toEqual([]);
  });
});
