// Proves which database the repository tests ran on: in the `control-plane-sqld` project the URL
// must be the sqld server started by test/sqld/global-setup.ts, and data written through one
// client must be visible through a second, independent client (a real server, not a local file).
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createClient } from "@libsql/client";
import { testDatabaseUrl } from "./helpers.js";

const provided = (inject as (key: string) => unknown)("sqldUrl");

describe("test database", () => {
  it.runIf(typeof provided === "string")("is the remote sqld server in the sqld project", async () => {
    const url = testDatabaseUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const a = createClient({ url });
    const b = createClient({ url });
    const table = `probe_${Math.random().toString(36).slice(2)}`;
    await a.execute(`CREATE TABLE ${table} (v INTEGER)`);
    await a.execute({ sql: `INSERT INTO ${table} VALUES (?)`, args: [42] });
    const rows = await b.execute(`SELECT v FROM ${table}`);
    expect(rows.rows[0]?.v).toBe(42);
    await a.execute(`DROP TABLE ${table}`);
    a.close();
    b.close();
  });

  it.runIf(typeof provided !== "string" && !process.env.MVX_TEST_DATABASE_URL)("is :memory: in the plain control-plane project", () => {
    expect(testDatabaseUrl()).toBe(":memory:");
  });
});
