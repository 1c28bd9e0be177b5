// Observation imports (API.md "Observations and statistical models"): JSON and CSV bodies (RFC
// 4180 quoting, CRLF, numeric cells), one transaction per import (a bad row stores nothing),
// the body limit (413), and the CSV reader on its own.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countObservations, insertObservations } from "../src/db/repositories/observations.js";
import { parseCsv } from "../src/routes/observations/csv.js";
import { detailPaths, experimentBody, testApp, type TestApp } from "./helpers.js";

describe("parseCsv", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks, CRLF, BOM; numbers and nulls", () => {
    const text = '\ufeffname,x,note\r\n"Smith, J",1.5,"said ""hi""\r\nthen left"\r\nplain,-2e3,\r\n"42",,""\r\n';
    expect(parseCsv(text)).toEqual([
      { name: "Smith, J", x: 1.5, note: 'said "hi"\r\nthen left' },
      { name: "plain", x: -2000, note: null },
      { name: 42, x: null, note: null },
    ]);
  });

  it("accepts LF and a missing final newline, skips blank lines", () => {
    expect(parseCsv("a,b\n1,x\n\n2,y")).toEqual([
      { a: 1, b: "x" },
      { a: 2, b: "y" },
    ]);
  });

  it("names the line of a wrong field count, an unclosed quote and a stray quote", () => {
    expect(() => parseCsv('a,b\n1,2\n"multi\nline",3\n4\n')).toThrow(/line 5: expected 2 fields/);
    expect(() => parseCsv('a,b\n1,"open\n')).toThrow(/line 2: a quoted field is not closed/);
    expect(() => parseCsv('a,b\n1,x"y\n')).toThrow(/line 2: a quote inside an unquoted field/);
    expect(() => parseCsv("a,a\n1,2\n")).toThrow(/appears twice/);
  });
});

describe("observations routes", () => {
  let t: TestApp;
  let experimentId: string;

  beforeEach(async () => {
    t = await testApp({ memoryOnly: true, maxBodyBytes: 4096 });
    const created = await t.json("POST", "/v1/experiments", experimentBody());
    expect(created.status).toBe(201);
    experimentId = created.body.id;
  });
  afterEach(() => t.close());

  it("imports JSON rows and pages through them", async () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ y: i * 1.5, g: i % 2 ? "a" : "b", flag: i === 3 ? null : true }));
    const res = await t.json("POST", `/v1/experiments/${experimentId}/observations`, { rows });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ inserted: 7 });
    const page = await t.json("GET", `/v1/experiments/${experimentId}/observations?limit=3&offset=2`);
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(7);
    expect(page.body.items.map((r: { row: unknown }) => r.row)).toEqual(rows.slice(2, 5));
  });

  it("imports CSV with quoted fields; numeric-looking cells become numbers, empty cells null", async () => {
    const csv = 'y,g,comment\r\n1.25,"a","x, y"\r\n2,b,"say ""no"""\r\n,"c",\r\n';
    const res = await t.json("POST", `/v1/experiments/${experimentId}/observations`, csv, { "content-type": "text/csv" });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ inserted: 3 });
    const page = await t.json("GET", `/v1/experiments/${experimentId}/observations`);
    expect(page.body.items.map((r: { row: unknown }) => r.row)).toEqual([
      { y: 1.25, g: "a", comment: "x, y" },
      { y: 2, g: "b", comment: 'say "no"' },
      { y: null, g: "c", comment: null },
    ]);
  });

  it("a malformed JSON row is a 400 naming row and column, and nothing is stored", async () => {
    const rows: unknown[] = Array.from({ length: 20 }, (_, i) => ({ y: i, x: i }));
    rows[12] = { y: 1, x: { nested: true } };
    const res = await t.json("POST", `/v1/experiments/${experimentId}/observations`, { rows });
    expect(res.status).toBe(400);
    expect(detailPaths(res.body)).toContain("rows.12.x");
    expect(await countObservations(t.db, experimentId)).toBe(0);
  });

  it("a malformed CSV line is a 400 naming the line, and nothing is stored", async () => {
    const csv = "y,x\n1,2\n3,4\n5\n";
    const res = await t.json("POST", `/v1/experiments/${experimentId}/observations`, csv, { "content-type": "text/csv" });
    expect(res.status).toBe(400);
    expect(detailPaths(res.body)).toEqual(["line 4"]);
    expect(res.body.error.message).toMatch(/line 4/);
    expect(await countObservations(t.db, experimentId)).toBe(0);
  });

  it("a write that fails in a later chunk rolls back the earlier chunks (one transaction)", async () => {
    const rows: Record<string, unknown>[] = Array.from({ length: 25 }, (_, i) => ({ i }));
    // A test-only trigger makes the database itself reject row 22, in the third chunk of ten.
    await t.db.$client.execute(
      "CREATE TEMP TRIGGER fail_row_22 BEFORE INSERT ON experiment_observations WHEN json_extract(NEW.row, '$.i') = 22 BEGIN SELECT RAISE(ABORT, 'row 22 rejected'); END",
    );
    await expect(insertObservations(t.db, experimentId, rows, new Date(0).toISOString(), 10)).rejects.toThrow(/row 22 rejected/);
    expect(await countObservations(t.db, experimentId)).toBe(0);
  });

  it("a body over MVX_MAX_BODY_BYTES is a 413; other types a 415; unknown experiment a 404", async () => {
    const big = "y,x\n" + "1.000001,2.000002\n".repeat(400);
    const res = await t.json("POST", `/v1/experiments/${experimentId}/observations`, big, { "content-type": "text/csv" });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    const bigJson = { rows: Array.from({ length: 300 }, (_, i) => ({ y: i, x: i })) };
    expect((await t.json("POST", `/v1/experiments/${experimentId}/observations`, bigJson)).status).toBe(413);
    const xml = await t.json("POST", `/v1/experiments/${experimentId}/observations`, "<rows/>", { "content-type": "application/xml" });
    expect(xml.status).toBe(415);
    const missing = await t.json("POST", `/v1/experiments/6f0c1c1e-8a3b-4c55-9d0e-2b7f4f9b1a10/observations`, { rows: [{ y: 1 }] });
    expect(missing.status).toBe(404);
    expect(await countObservations(t.db, experimentId)).toBe(0);
  });
});
