// The outbox: decision and reward events appended in order, delivered by the alarm to the control
// plane (signed, batches of at most 500, in seq order), kept and retried with exponential backoff
// when delivery fails. CONTROL_PLANE_URL points at a closed port (vitest.config.ts); the delivery
// that succeeds goes to a fake control plane standing in for fetch, which the Durable Object shares
// with the tests (same isolate).

import { verifySignature, SIGNATURE_HEADER } from "@mvx/core/edge";
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SYNC_SECRET, type JsonBody, assign, newExperimentId, postRewards, pushAllocation, stubFor } from "./helpers";

type Stub = ReturnType<typeof stubFor>;

function outboxRows(stub: Stub) {
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql.exec<{ seq: number; payload: string }>("SELECT seq, payload FROM outbox ORDER BY seq").toArray(),
  );
}

/** Runs the alarm now and checks it re-armed about `delayMs` later. */
async function runAlarmExpectingRetry(stub: Stub, delayMs: number) {
  const before = Date.now();
  expect(await runDurableObjectAlarm(stub)).toBe(true);
  const after = Date.now();
  const status = await stub.getOutboxStatus();
  expect(status.alarm_at).not.toBeNull();
  expect(status.alarm_at!).toBeGreaterThanOrEqual(before + delayMs - 50);
  expect(status.alarm_at!).toBeLessThanOrEqual(after + delayMs + 50);
  return status;
}

interface Delivery {
  url: string;
  body: { experiment_id: string; events: JsonBody[] };
  signatureOk: boolean;
}

/** Replaces fetch with a fake control plane answering `status`; returns what it received. */
function fakeControlPlane(status = 200): Delivery[] {
  const deliveries: Delivery[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const text = await request.text();
    const check = await verifySignature(SYNC_SECRET, request.headers.get(SIGNATURE_HEADER), text, Date.now() / 1000);
    const body = JSON.parse(text);
    deliveries.push({ url: request.url, body, signatureOk: check.ok });
    return Response.json({ accepted: body.events.length, duplicates: 0 }, { status });
  });
  return deliveries;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("outbox", () => {
  it("appends decision and reward events in order and arms an alarm", async () => {
    const id = newExperimentId("order");
    await pushAllocation(id);
    const stub = stubFor(id);
    expect(await stub.getOutboxStatus()).toEqual({ pending: 0, attempts: 0, alarm_at: null });
    const d1 = (await assign(id, "u1")).body;
    const d2 = (await assign(id, "u2")).body;
    await postRewards({ event_id: "r1", experiment_id: id, unit_id: "u1", reward: 1 });
    const rows = await outboxRows(stub);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows.map((r) => JSON.parse(r.payload))).toMatchObject([
      { type: "decision", decision_id: d1.decision_id, unit_id: "u1" },
      { type: "decision", decision_id: d2.decision_id, unit_id: "u2" },
      { type: "reward", event_id: "r1", decision_id: d1.decision_id },
    ]);
    const status = await stub.getOutboxStatus();
    expect(status.pending).toBe(3);
    expect(status.alarm_at).not.toBeNull();
  });

  it("keeps events when delivery fails and re-arms with backoff (1 s doubling, capped at 60 s)", async () => {
    const id = newExperimentId("fail");
    await pushAllocation(id);
    await assign(id, "u1");
    await assign(id, "u2");
    const stub = stubFor(id);
    const before = await outboxRows(stub);

    expect(await runAlarmExpectingRetry(stub, 1_000)).toMatchObject({ pending: 2, attempts: 1 });
    expect(await runAlarmExpectingRetry(stub, 2_000)).toMatchObject({ pending: 2, attempts: 2 });
    expect(await runAlarmExpectingRetry(stub, 4_000)).toMatchObject({ pending: 2, attempts: 3 });
    expect(await outboxRows(stub)).toEqual(before);

    // A non-2xx answer is a failure too.
    fakeControlPlane(503);
    expect(await runAlarmExpectingRetry(stub, 8_000)).toMatchObject({ pending: 2, attempts: 4 });
    vi.restoreAllMocks();

    // The attempt count lives in SQLite: it survives a restart, and the cap applies.
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE meta SET value = '9' WHERE key = 'outbox_attempts'");
    });
    await abortAllDurableObjects();
    const restarted = stubFor(id); // stubs of aborted instances are dead; get a new one
    expect(await runAlarmExpectingRetry(restarted, 60_000)).toMatchObject({ pending: 2, attempts: 10 });
    expect(await outboxRows(restarted)).toEqual(before);
  });

  it("delivers events signed, in seq order, to the control plane and deletes them on 2xx", async () => {
    const id = newExperimentId("deliver");
    await pushAllocation(id);
    const stub = stubFor(id);
    const d = (await assign(id, "u1", { user: { plan: "pro" } })).body;
    await postRewards({ event_id: "r1", experiment_id: id, decision_id: d.decision_id, reward: 0.5, occurred_at: "2026-11-24T12:00:05.000Z" });
    await runDurableObjectAlarm(stub); // one failed attempt first
    expect((await stub.getOutboxStatus()).attempts).toBe(1);

    const deliveries = fakeControlPlane();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(delivery!.url).toBe("http://127.0.0.1:9/internal/edge-events");
    expect(delivery!.signatureOk).toBe(true);
    expect(delivery!.body.experiment_id).toBe(id);
    const [decision, reward] = delivery!.body.events;
    expect(Object.keys(decision!).slice(0, 2)).toEqual(["type", "seq"]);
    expect(decision).toEqual({
      type: "decision",
      seq: 1,
      decision_id: d.decision_id,
      experiment_id: id,
      unit_id: "u1",
      combination_id: d.combination_id,
      arm_id: d.arm_id,
      variable_values: d.variable_values,
      probability: d.probability,
      algorithm: null,
      allocation_version: 1,
      context: { user: { plan: "pro" } },
      decided_at: expect.any(String),
    });
    expect(reward).toEqual({
      type: "reward",
      seq: 2,
      event_id: "r1",
      experiment_id: id,
      decision_id: d.decision_id,
      unit_id: "u1",
      combination_id: d.combination_id,
      arm_id: d.arm_id,
      reward: 0.5,
      occurred_at: "2026-11-24T12:00:05.000Z",
      received_at: expect.any(String),
    });
    expect(await stub.getOutboxStatus()).toEqual({ pending: 0, attempts: 0, alarm_at: null });

    // New events get new, higher seqs.
    await assign(id, "u2");
    expect((await outboxRows(stub)).map((r) => r.seq)).toEqual([3]);
  });

  it("sends at most 500 events per delivery and re-arms at once while more remain", async () => {
    const id = newExperimentId("batches");
    await pushAllocation(id);
    await assign(id, "u");
    const events = Array.from({ length: 1000 }, (_, i) => ({ event_id: `e${i}`, experiment_id: id, unit_id: "u", reward: i % 2 }));
    expect((await postRewards({ events })).body).toMatchObject({ accepted: 1000 });
    const stub = stubFor(id);
    expect((await stub.getOutboxStatus()).pending).toBe(1001);

    const deliveries = fakeControlPlane();
    await runDurableObjectAlarm(stub);
    expect(deliveries.map((d) => d.body.events.length)).toEqual([500]);
    // The batching window is an hour in tests, so only the immediate re-arm can deliver the rest now.
    await vi.waitFor(async () => expect(await stub.getOutboxStatus()).toEqual({ pending: 0, attempts: 0, alarm_at: null }), { timeout: 5_000 });
    expect(deliveries.map((d) => d.body.events.length)).toEqual([500, 500, 1]);
    const seqs = deliveries.flatMap((d) => d.body.events.map((e) => e.seq as number));
    expect(seqs).toEqual(Array.from({ length: 1001 }, (_, i) => i + 1));
  });

  it("re-arms an alarm on start-up when events are pending without one", async () => {
    const id = newExperimentId("restart");
    await pushAllocation(id);
    await assign(id, "u");
    const stub = stubFor(id);
    await runInDurableObject(stub, async (_instance, state) => {
      await state.storage.deleteAlarm();
    });
    await abortAllDurableObjects();
    const status = await stubFor(id).getOutboxStatus();
    expect(status.pending).toBe(1);
    expect(status.alarm_at).not.toBeNull();
  });
});
