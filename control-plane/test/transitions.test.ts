// The lifecycle over HTTP: every allowed transition, a sample of illegal ones (409 naming from and
// to), the power-analysis requirement of Draft -> Running (422), and the allocation push enqueued
// with each transition in the same transaction (allocation_version + 1, payload per
// docs/sync-protocol.md). Runs against MVX_TEST_DATABASE_URL when set.

import { CURRENT_HASH_VERSION } from "@mvx/core";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPowerAnalysis } from "../src/db/repositories/experiments.js";
import { syncOutbox } from "../src/db/schema/index.js";
import { experimentBody, testApp, type TestApp, STORED_POWER_ANALYSIS } from "./helpers.js";

let t: TestApp;
let kicks = 0;
const NOW = Date.parse("2026-11-24T12:00:00.000Z");
beforeAll(async () => {
  t = await testApp({ outbox: { kick: () => kicks++ }, clock: () => NOW });
});
afterAll(() => t.close());

const analysis = STORED_POWER_ANALYSIS;

async function draft(): Promise<string> {
  const { body } = await t.json("POST", "/v1/experiments", experimentBody());
  await setPowerAnalysis(t.db, body.id, analysis, new Date(NOW).toISOString());
  return body.id;
}

/** Walks an experiment through `path` of statuses (each must succeed). */
async function walk(id: string, path: string[]): Promise<void> {
  for (const status of path) {
    const res = await t.json("POST", `/v1/experiments/${id}/transition`, { status });
    expect(res.status, `-> ${status}: ${JSON.stringify(res.body)}`).toBe(200);
  }
}

async function outbox(id: string) {
  return t.db.select().from(syncOutbox).where(eq(syncOutbox.experiment_id, id)).orderBy(asc(syncOutbox.id));
}

describe("allowed transitions", () => {
  const allowed: [string[], string][] = [
    [[], "Running"],
    [[], "Archived"],
    [["Running"], "Paused"],
    [["Running"], "Completed"],
    [["Running", "Paused"], "Running"],
    [["Running", "Paused"], "Completed"],
    [["Running", "Completed"], "Archived"],
  ];
  for (const [before, to] of allowed) {
    const from = before.at(-1) ?? "Draft";
    it(`${from} -> ${to}`, async () => {
      const id = await draft();
      await walk(id, before);
      const kicksBefore = kicks;
      const { status, body } = await t.json("POST", `/v1/experiments/${id}/transition`, { status: to });
      expect(status).toBe(200);
      expect(body.status).toBe(to);
      expect(body.allocation_version).toBe(before.length + 1);
      expect(kicks).toBe(kicksBefore + 1);
      const rows = await outbox(id);
      expect(rows).toHaveLength(before.length + 1);
      const last = rows.at(-1)!;
      expect(last.version).toBe(before.length + 1);
      expect(last.kind).toBe("allocation");
      expect(last.delivered_at).toBeNull();
      expect(last.attempts).toBe(0);
      expect(last.payload).toEqual({
        experiment_id: id,
        version: before.length + 1,
        status: to,
        hash_version: CURRENT_HASH_VERSION,
        salt: id,
        combinations: body.combinations,
        issued_at: "2026-11-24T12:00:00.000Z",
      });
    });
  }
});

describe("illegal transitions -> 409 illegal_transition", () => {
  const illegal: [string[], string][] = [
    [[], "Draft"],
    [[], "Paused"],
    [[], "Completed"],
    [["Running"], "Running"],
    [["Running"], "Draft"],
    [["Running"], "Archived"],
    [["Running", "Paused"], "Paused"],
    [["Running", "Paused"], "Archived"],
    [["Running", "Completed"], "Running"],
    [["Running", "Completed"], "Paused"],
    [["Archived"], "Running"],
    [["Archived"], "Draft"],
    [["Archived"], "Archived"],
  ];
  for (const [before, to] of illegal) {
    const from = before.at(-1) ?? "Draft";
    it(`${from} -> ${to}`, async () => {
      const id = await draft();
      await walk(id, before);
      const { status, body } = await t.json("POST", `/v1/experiments/${id}/transition`, { status: to });
      expect(status).toBe(409);
      expect(body.error.code).toBe("illegal_transition");
      expect(body.error.message).toContain(`from ${from} to ${to}`);
      // Nothing changed, nothing enqueued.
      const after = await t.json("GET", `/v1/experiments/${id}`);
      expect(after.body.status).toBe(from);
      expect(after.body.allocation_version).toBe(before.length);
      expect(await outbox(id)).toHaveLength(before.length);
    });
  }
});

describe("Draft -> Running needs a power analysis", () => {
  it("422 power_analysis_required without one, and nothing is enqueued", async () => {
    const { body: created } = await t.json("POST", "/v1/experiments", experimentBody());
    const { status, body } = await t.json("POST", `/v1/experiments/${created.id}/transition`, { status: "Running" });
    expect(status).toBe(422);
    expect(body.error.code).toBe("power_analysis_required");
    expect(await outbox(created.id)).toHaveLength(0);
    // Archiving a draft needs none.
    expect((await t.json("POST", `/v1/experiments/${created.id}/transition`, { status: "Archived" })).status).toBe(200);
  });

  it("a design change clears the analysis, so Running needs a new one", async () => {
    const id = await draft();
    await t.json("PATCH", `/v1/experiments/${id}`, { variables: [{ name: "color", levels: ["a", "b"], type: "categorical" }] });
    const { status } = await t.json("POST", `/v1/experiments/${id}/transition`, { status: "Running" });
    expect(status).toBe(422);
  });
});

describe("request validation", () => {
  it("400 for an unknown status, 404 for an unknown experiment", async () => {
    const id = await draft();
    const bad = await t.json("POST", `/v1/experiments/${id}/transition`, { status: "Live" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe("status");
    const missing = await t.json("POST", "/v1/experiments/00000000-0000-4000-8000-000000000002/transition", { status: "Running" });
    expect(missing.status).toBe(404);
  });

  it("GET /sync shows the pending pushes", async () => {
    const id = await draft();
    await walk(id, ["Running", "Paused"]);
    const { status, body } = await t.json("GET", `/v1/experiments/${id}/sync`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ experiment_id: id, allocation_version: 2, pending: 2, attempts: 0, last_error: null, delivered_version: null });
  });
});
