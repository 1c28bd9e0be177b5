// The outbox dispatcher against a fake edge (injected fetch) and a controlled clock: an
// unreachable or failing edge leaves entries pending with attempts and backoff; once it answers,
// entries are delivered in order, entry k+1 never before entry k is acknowledged, and experiments
// do not wait for one another. Uses a private :memory: database (the dispatcher drains every
// experiment's entries, so a shared server would mix tests).

import { SIGNATURE_HEADER, verifySignature } from "@mvx/core";
import { asc, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PowerAnalysis } from "../src/domain/experiment.js";
import { setPowerAnalysis } from "../src/db/repositories/experiments.js";
import { syncOutbox } from "../src/db/schema/index.js";
import { createEdgeClient, type FetchLike } from "../src/services/edge-client.js";
import { createOutboxDispatcher, type OutboxDispatcher } from "../src/services/outbox.js";
import { SYNC_SECRET, experimentBody, testApp, testDb, type TestApp } from "./helpers.js";

const EDGE = "http://edge.test";
const analysis: PowerAnalysis = {
  effect_size: 0.5,
  power: 0.8,
  alpha: 0.05,
  metric: { type: "continuous", sd: 1 },
  target: "main_effects",
  test: "two_means",
  n_per_group: 63.77,
  required_sample_size: 128,
  per_combination: [],
  method: "test fixture",
  computed_at: "2026-11-24T12:00:00.000Z",
};

type Mode = "throw" | "503" | "ok";
interface Call {
  url: string;
  method: string;
  version: number;
  experimentId: string;
  signatureOk: boolean;
  /** Versions of this experiment already acknowledged when the call was made. */
  deliveredBefore: number[];
}

interface Harness {
  t: TestApp;
  dispatcher: OutboxDispatcher;
  calls: Call[];
  clock: { now: number };
  mode: { default: Mode; byExperiment: Map<string, Mode> };
  logs: string[];
}

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.dispatcher.stop();
    h.t.db.$client.close();
  }
});

async function harness(opts: { realClock?: boolean } = {}): Promise<Harness> {
  const clock = { now: Date.parse("2026-11-24T12:00:00.000Z") };
  const now = opts.realClock ? Date.now : () => clock.now;
  const calls: Call[] = [];
  const mode: Harness["mode"] = { default: "ok", byExperiment: new Map() };
  const logs: string[] = [];
  const db = await testDb({ memoryOnly: true });
  const fetch: FetchLike = async (url, init) => {
    const body = String(init.body);
    const payload = JSON.parse(body) as { experiment_id: string; version: number };
    const header = new Headers(init.headers).get(SIGNATURE_HEADER);
    const check = await verifySignature(SYNC_SECRET, header, body, Math.floor(now() / 1000));
    const delivered = await db
      .select({ version: syncOutbox.version, delivered_at: syncOutbox.delivered_at })
      .from(syncOutbox)
      .where(eq(syncOutbox.experiment_id, payload.experiment_id));
    calls.push({
      url,
      method: init.method ?? "GET",
      version: payload.version,
      experimentId: payload.experiment_id,
      signatureOk: check.ok,
      deliveredBefore: delivered.filter((r) => r.delivered_at !== null).map((r) => r.version).sort((a, b) => a - b),
    });
    const m = mode.byExperiment.get(payload.experiment_id) ?? mode.default;
    if (m === "throw") throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:8787") });
    if (m === "503") return new Response("edge warming up", { status: 503 });
    return Response.json({ applied: true, version: payload.version });
  };
  const edgeClient = createEdgeClient({ edgeUrl: EDGE, syncSecret: SYNC_SECRET, fetch, clock: now });
  const dispatcher = createOutboxDispatcher({
    db,
    edgeClient,
    clock: now,
    random: () => 0.5, // jitter factor exactly 1
    pollIntervalMs: 50,
    logger: { warn: (m) => logs.push(m), error: (m) => logs.push(m) },
  });
  const t = await testApp({ db, outbox: dispatcher, clock: now });
  const h = { t, dispatcher, calls, clock, mode, logs };
  open.push(h);
  return h;
}

async function runningExperiment(h: Harness, statuses: string[] = ["Running"]): Promise<string> {
  const { body } = await h.t.json("POST", "/v1/experiments", experimentBody());
  await setPowerAnalysis(h.t.db, body.id, analysis, new Date(h.clock.now).toISOString());
  for (const status of statuses) {
    const res = await h.t.json("POST", `/v1/experiments/${body.id}/transition`, { status });
    expect(res.status).toBe(200);
  }
  return body.id;
}

async function rows(h: Harness, id: string) {
  return h.t.db.select().from(syncOutbox).where(eq(syncOutbox.experiment_id, id)).orderBy(asc(syncOutbox.id));
}

describe("outbox dispatcher", () => {
  it("delivers a signed PUT to the edge and marks the entry delivered", async () => {
    const h = await harness();
    const id = await runningExperiment(h);
    const report = await h.dispatcher.drainOnce();
    expect(report).toEqual({ delivered: 1, failed: 0, deferred: 0 });
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]).toMatchObject({
      url: `${EDGE}/internal/experiments/${id}/allocation`,
      method: "PUT",
      version: 1,
      signatureOk: true,
    });
    const [row] = await rows(h, id);
    expect(row?.delivered_at).toBe("2026-11-24T12:00:00.000Z");
    const sync = await h.t.json("GET", `/v1/experiments/${id}/sync`);
    expect(sync.body).toMatchObject({ pending: 0, delivered_version: 1, last_error: null });
    // Nothing left: a second pass sends nothing.
    expect(await h.dispatcher.drainOnce()).toEqual({ delivered: 0, failed: 0, deferred: 0 });
    expect(h.calls).toHaveLength(1);
  });

  it("keeps entries pending with attempts and backoff while the edge is down, then delivers them in order", async () => {
    const h = await harness();
    h.mode.default = "throw";
    const id = await runningExperiment(h, ["Running", "Paused", "Running"]);

    // Unreachable edge: only the head (version 1) is tried; 1 attempt, retry after 0.5 s.
    expect(await h.dispatcher.drainOnce()).toEqual({ delivered: 0, failed: 1, deferred: 0 });
    expect(h.calls.map((c) => c.version)).toEqual([1]);
    let r = await rows(h, id);
    expect(r.map((x) => x.attempts)).toEqual([1, 0, 0]);
    expect(r[0]?.last_error).toMatch(/fetch failed.*ECONNREFUSED/);
    expect(r[0]?.next_attempt_at).toBe("2026-11-24T12:00:00.500Z");
    expect(r.every((x) => x.delivered_at === null)).toBe(true);

    // Before the backoff has passed nothing is sent, not even later entries.
    h.clock.now += 400;
    expect(await h.dispatcher.drainOnce()).toEqual({ delivered: 0, failed: 0, deferred: 1 });
    expect(h.calls).toHaveLength(1);

    // The edge answers 503: second attempt, backoff doubles to 1 s.
    h.mode.default = "503";
    h.clock.now += 100;
    expect(await h.dispatcher.drainOnce()).toEqual({ delivered: 0, failed: 1, deferred: 0 });
    r = await rows(h, id);
    expect(r.map((x) => x.attempts)).toEqual([2, 0, 0]);
    expect(r[0]?.last_error).toBe("HTTP 503: edge warming up");
    expect(r[0]?.next_attempt_at).toBe("2026-11-24T12:00:01.500Z");

    // An operator sees it.
    const sync = await h.t.json("GET", `/v1/experiments/${id}/sync`);
    expect(sync.body).toMatchObject({
      allocation_version: 3,
      pending: 3,
      attempts: 2,
      last_error: "HTTP 503: edge warming up",
      next_attempt_at: "2026-11-24T12:00:01.500Z",
      delivered_version: null,
    });

    // The edge comes back: all three go, in order, each after the previous one was acknowledged.
    h.mode.default = "ok";
    h.clock.now += 1000;
    expect(await h.dispatcher.drainOnce()).toEqual({ delivered: 3, failed: 0, deferred: 0 });
    const delivered = h.calls.filter((c) => c.experimentId === id).slice(2);
    expect(delivered.map((c) => c.version)).toEqual([1, 2, 3]);
    expect(delivered.map((c) => c.deliveredBefore)).toEqual([[], [1], [1, 2]]);
    // Across every call ever made, version k+1 was never sent before k was acknowledged.
    for (const c of h.calls) expect(c.deliveredBefore).toEqual(Array.from({ length: c.version - 1 }, (_, i) => i + 1));
    r = await rows(h, id);
    expect(r.every((x) => x.delivered_at !== null)).toBe(true);
    expect((await h.t.json("GET", `/v1/experiments/${id}/sync`)).body).toMatchObject({ pending: 0, delivered_version: 3 });
    expect(h.logs.some((l) => l.includes("failed (attempt 2)"))).toBe(true);
  });

  it("backs off exponentially up to 60 s", async () => {
    const h = await harness();
    expect([0, 1, 2, 3, 6, 7, 20].map((n) => h.dispatcher.backoffMs(n))).toEqual([500, 1000, 2000, 4000, 32_000, 60_000, 60_000]);
    h.mode.default = "503";
    const id = await runningExperiment(h);
    for (let i = 0; i < 9; i++) {
      await h.dispatcher.drainOnce();
      const [row] = await rows(h, id);
      h.clock.now = Date.parse(row!.next_attempt_at);
    }
    const [row] = await rows(h, id);
    expect(row?.attempts).toBe(9);
    const beforeLast = h.clock.now;
    await h.dispatcher.drainOnce();
    const [after] = await rows(h, id);
    expect(Date.parse(after!.next_attempt_at) - beforeLast).toBe(60_000);
  });

  it("delivers other experiments while one experiment's pushes fail", async () => {
    const h = await harness();
    const a = await runningExperiment(h);
    const b = await runningExperiment(h, ["Running", "Paused"]);
    h.mode.byExperiment.set(a, "503");
    expect(await h.dispatcher.drainOnce()).toEqual({ delivered: 2, failed: 1, deferred: 0 });
    expect((await rows(h, a)).every((x) => x.delivered_at === null)).toBe(true);
    expect((await rows(h, b)).every((x) => x.delivered_at !== null)).toBe(true);
  });

  it("an acknowledged but not applied (older version) push counts as delivered", async () => {
    const h = await harness();
    const id = await runningExperiment(h);
    const edgeClient = createEdgeClient({
      edgeUrl: EDGE,
      syncSecret: SYNC_SECRET,
      fetch: async () => Response.json({ applied: false, version: 9 }),
      clock: () => h.clock.now,
    });
    const d = createOutboxDispatcher({ db: h.t.db, edgeClient, clock: () => h.clock.now });
    expect(await d.drainOnce()).toEqual({ delivered: 1, failed: 0, deferred: 0 });
    expect((await rows(h, id))[0]?.delivered_at).not.toBeNull();
  });

  it("when started, is kicked by a transition and delivers without being asked; stop() ends polling", async () => {
    const h = await harness({ realClock: true });
    h.dispatcher.start();
    const id = await runningExperiment(h);
    await vi.waitFor(async () => expect((await rows(h, id))[0]?.delivered_at).not.toBeNull(), { timeout: 2000, interval: 10 });
    await h.dispatcher.stop();
    await h.t.json("POST", `/v1/experiments/${id}/transition`, { status: "Paused" });
    await new Promise((r) => setTimeout(r, 150));
    expect((await rows(h, id))[1]?.delivered_at).toBeNull();
  });

  it("concurrent drainOnce calls do not send an entry twice", async () => {
    const h = await harness();
    await runningExperiment(h, ["Running", "Paused", "Running"]);
    const reports = await Promise.all([h.dispatcher.drainOnce(), h.dispatcher.drainOnce(), h.dispatcher.drainOnce()]);
    expect(reports.reduce((s, r) => s + r.delivered, 0)).toBe(3);
    expect(h.calls.map((c) => c.version)).toEqual([1, 2, 3]);
  });
});
