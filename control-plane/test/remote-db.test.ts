// Proves which database the repository tests ran on: in the `control-plane-sqld` project the URL
// is the sqld server started by test/sqld/global-setup.ts, and data written through one client is
// visible through a second, independent client (a real server, not a local file); in the plain
// control-plane project it is `:memory:`.
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createClient } from "@libsql/client";
import { testDatabaseUrl } from "./helpers.js";

const provided = (inject as (key: string) => unknown)("sqldUrl");

describe("test database", () => {
  it("is the sqld server in the sqld project and :memory: otherwise", async () => {
    const url = testDatabaseUrl();
    if (typeof provided !== "string") {
      expect(url).toBe(process.env.MVX_TEST_DATABASE_URL || ":memory:");
      return;
    }
    expect(url).toBe(provided);
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
});
