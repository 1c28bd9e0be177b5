// Bandit data over HTTP: ingestion of the edge's bandit decisions (BanditAllocation rows with
// rewards joined by decision_id) and drift events, GET /v1/bandits/:id (arm statistics, seeded
// regret metrics stored at most once a minute, winner declaration pushed to the edge, IPW / Hajek
// / AIPW arm estimates), allocation pages and the 90-day retention job. Rewards are simulated with
// core's seeded rng, so every number here is reproducible. Runs against MVX_TEST_DATABASE_URL when set.

import { createRng } from "@mvx/core";
import { and, asc, eq, inArray } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPowerAnalysis } from "../src/db/repositories/experiments.js";
import { banditAllocations, banditDriftEvents, regretMetrics, syncOutbox } from "../src/db/schema/index.js";
import { createRetentionJob } from "../src/services/retention.js";
import { experimentBody, signed, testApp, type TestApp, STORED_POWER_ANALYSIS } from "./helpers.js";

let t: TestApp;
let now = Date.parse("2026-11-24T12:00:00.000Z");
const T0 = now;
beforeAll(async () => {
  t = await testApp({ clock: () => now });
});
afterAll(() => t.close());

const analysis = STORED_POWER_ANALYSIS;

interface Setup {
  experimentId: string;
  banditId: string;
  arms: [string, string];
}

/** A Running experiment with an active 2-arm Thompson bandit over its first two combinations. */
async function setup(overrides: Record<string, unknown> = {}): Promise<Setup> {
  const { body: e } = await t.json("POST", "/v1/experiments", experimentBody());
  await setPowerAnalysis(t.db, e.id, analysis, new Date(now).toISOString());
  expect((await t.json("POST", `/v1/experiments/${e.id}/transition`, { status: "Running" })).status).toBe(200);
  const arms: [string, string] = [e.combinations[0].combination_id, e.combinations[1].combination_id];
  const { status, body: b } = await t.json("POST", `/v1/experiments/${e.id}/bandits`, {
    algorithm: "ThompsonSampling",
    exploration_rate: 0.1,
    update_frequency: 0,
    regret_threshold: 0.01,
    is_active: true,
    arm_definitions: arms.map((arm_id) => ({ arm_id })),
    ...overrides,
  });
  expect(status, JSON.stringify(b)).toBe(201);
  return { experimentId: e.id, banditId: b.id, arms };
}

async function post(events: unknown[], experimentId: string) {
  const body = JSON.stringify({ experiment_id: experimentId, events });
  const res = await t.call("POST", "/internal/edge-events", body, await signed(body, Math.floor(now / 1000)));
  expect(res.status).toBe(200);
  return (await res.json()) as { accepted: number; duplicates: number; unknown: number };
}

interface Sim {
  decisions: unknown[];
  rewards: unknown[];
}

/**
 * `n` decisions of a logging policy that plays arm 0 with probability `p0`, with Bernoulli
 * rewards of rates `rates` (seeded), one second apart from T0.
 */
function simulate(s: Setup, n: number, p0: number, rates: [number, number], seed: string): Sim {
  const rng = createRng(seed);
  const decisions: unknown[] = [];
  const rewards: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng() < p0 ? 0 : 1;
    const arm = s.arms[a] as string;
    const decision_id = `${seed}-d${i}`;
    const at = new Date(T0 + i * 1000).toISOString();
    decisions.push({
      type: "decision",
      seq: 2 * i,
      decision_id,
      unit_id: `u${i}`,
      combination_id: arm,
      arm_id: arm,
      variable_values: {},
      probability: a === 0 ? p0 : 1 - p0,
      algorithm: "ThompsonSampling",
      arm_probabilities: { [s.arms[0]]: p0, [s.arms[1]]: 1 - p0 },
      allocation_version: 2,
      context: { user: { age: 30 + (i % 10) } },
      decided_at: at,
    });
    rewards.push({
      type: "reward",
      seq: 2 * i + 1,
      event_id: `${seed}-r${i}`,
      decision_id,
      unit_id: `u${i}`,
      combination_id: arm,
      arm_id: arm,
      reward: rng() < rates[a]! ? 1 : 0,
      occurred_at: at,
    });
  }
  return { decisions, rewards };
}

async function allocations(banditId: string) {
  return t.db.select().from(banditAllocations).where(eq(banditAllocations.bandit_config_id, banditId)).orderBy(asc(banditAllocations.timestamp));
}

describe("ingestion of bandit decisions, rewards and drift events", () => {
  it("stores bandit decisions as allocations and joins rewards by decision_id (in the same or a later batch)", async () => {
    const s = await setup();
    const sim = simulate(s, 6, 0.5, [0.5, 0.5], "ingest");
    // Decisions and the first three rewards together, the rest later; one non-bandit decision.
    const plain = { type: "decision", decision_id: `plain-${randomUUID()}`, unit_id: "u-plain", combination_id: s.arms[0], algorithm: null, probability: 0.5 };
    const first = await post([...sim.decisions, ...sim.rewards.slice(0, 3), plain], s.experimentId);
    expect(first).toEqual({ accepted: 10, duplicates: 0, unknown: 0 });
    let rows = await allocations(s.banditId);
    expect(rows).toHaveLength(6);
    expect(rows.filter((r) => r.reward !== null)).toHaveLength(3);
    await post(sim.rewards.slice(3), s.experimentId);
    rows = await allocations(s.banditId);
    const rewardsById = new Map(sim.rewards.map((r) => [(r as { decision_id: string }).decision_id, (r as { reward: number }).reward]));
    for (const r of rows) {
      expect(r.reward).toBe(rewardsById.get(r.decision_id as string));
      expect(r.arm_probabilities).toEqual({ [s.arms[0]]: 0.5, [s.arms[1]]: 0.5 });
      expect(r.context).toMatchObject({ user: { age: expect.any(Number) } });
      expect(s.arms).toContain(r.selected_arm);
    }
    expect(rows[0]!.timestamp).toBe(new Date(T0).toISOString());
    // A repeated delivery stores nothing new.
    expect(await post(sim.decisions, s.experimentId)).toEqual({ accepted: 0, duplicates: 6, unknown: 0 });
    expect(await allocations(s.banditId)).toHaveLength(6);
  });

  it("joins a reward that arrives after the configuration was deactivated; no allocation for decisions then", async () => {
    const s = await setup();
    const sim = simulate(s, 2, 0.5, [1, 1], "late");
    await post([sim.decisions[0]], s.experimentId);
    expect((await t.json("PATCH", `/v1/bandits/${s.banditId}`, { is_active: false })).status).toBe(200);
    await post([sim.rewards[0], sim.decisions[1], sim.rewards[1]], s.experimentId);
    const rows = await allocations(s.banditId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.reward).toBe(1);
  });

  it("falls back to the chosen arm's propensity when arm_probabilities is absent", async () => {
    const s = await setup();
    await post([{ type: "decision", decision_id: `p-${randomUUID()}`, unit_id: "u", arm_id: s.arms[1], probability: 0.25, algorithm: "UCB" }], s.experimentId);
    const [row] = await allocations(s.banditId);
    expect(row!.arm_probabilities).toEqual({ [s.arms[1]]: 0.25 });
  });

  it("stores drift events once and shows them in GET /v1/bandits/:id", async () => {
    const s = await setup();
    const drift = { type: "drift", seq: 9, experiment_id: s.experimentId, arm_id: s.arms[0], detector: "page-hinkley", statistic: 7.5, detected_at: "2026-11-24T12:05:00.000Z" };
    expect(await post([drift], s.experimentId)).toEqual({ accepted: 1, duplicates: 0, unknown: 0 });
    expect(await post([drift], s.experimentId)).toEqual({ accepted: 0, duplicates: 1, unknown: 0 });
    const { status, body } = await t.json("GET", `/v1/bandits/${s.banditId}`);
    expect(status).toBe(200);
    expect(body.drift_events).toHaveLength(1);
    expect(body.drift_events[0]).toMatchObject({ bandit_config_id: s.banditId, arm_id: s.arms[0], detector: "page-hinkley", statistic: 7.5, seq: 9, detected_at: drift.detected_at });
    expect(body.drift_events[0]).not.toHaveProperty("event_key");
  });
});

describe("GET /v1/bandits/:id", () => {
  it("reports arm statistics and seeded regret metrics; snapshots at most once a minute; no winner on thin data", async () => {
    const s = await setup();
    const sim = simulate(s, 8, 0.5, [0.5, 0.5], "thin");
    await post([...sim.decisions, ...sim.rewards], s.experimentId);
    const a = await t.json("GET", `/v1/bandits/${s.banditId}`);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    const stats = a.body.arm_statistics as { arm_id: string; decisions: number; n: number; sum: number; sum_sq: number; mean: number | null }[];
    expect(stats.map((x) => x.arm_id)).toEqual(s.arms);
    expect(stats.reduce((m, x) => m + x.decisions, 0)).toBe(8);
    for (const x of stats) {
      expect(x.n).toBe(x.decisions);
      expect(x.sum_sq).toBe(x.sum); // 0/1 rewards
      expect(x.mean).toBe(x.n > 0 ? x.sum / x.n : null);
    }
    const m = a.body.regret_metrics;
    expect(Object.keys(m.probability_best)).toEqual(s.arms);
    expect((Object.values(m.probability_best) as number[]).reduce((p, q) => p + q, 0)).toBeCloseTo(1, 9);
    expect(m.champion_expected_loss).toBeGreaterThan(0.01);
    expect(m.winner_arm_id).toBeNull();
    expect(m.draws).toBe(10_000);
    expect(m.cumulative_regret).toBeGreaterThanOrEqual(0);
    // Same data, same seed, same numbers.
    const b = await t.json("GET", `/v1/bandits/${s.banditId}`);
    expect(b.body.regret_metrics.probability_best).toEqual(m.probability_best);
    const snapshots = () => t.db.select().from(regretMetrics).where(eq(regretMetrics.bandit_config_id, s.banditId));
    expect(await snapshots()).toHaveLength(1);
    now += 61_000;
    try {
      await t.json("GET", `/v1/bandits/${s.banditId}`);
    } finally {
      now -= 61_000;
    }
    const rows = await snapshots();
    expect(rows).toHaveLength(2);
    expect(rows[0]!.winner).toBeNull();
    expect(rows[0]!.prob_best).toEqual(m.probability_best);
  });

  it("declares the winner when the expected loss falls below regret_threshold, and pushes it", async () => {
    const s = await setup();
    // Arm 0 converts at 0.8, arm 1 at 0.2; the logging policy plays arm 0 with probability 0.7.
    const sim = simulate(s, 400, 0.7, [0.8, 0.2], "winner");
    await post([...sim.decisions, ...sim.rewards], s.experimentId);
    const versionBefore = (await t.json("GET", `/v1/experiments/${s.experimentId}`)).body.allocation_version;

    const { status, body } = await t.json("GET", `/v1/bandits/${s.banditId}`);
    expect(status).toBe(200);
    const m = body.regret_metrics;
    expect(m.best_arm_id).toBe(s.arms[0]);
    expect(m.probability_best[s.arms[0]]).toBeGreaterThan(0.999);
    expect(m.champion_expected_loss).toBeLessThan(0.01);
    expect(m.winner_arm_id).toBe(s.arms[0]);
    expect(body.winner_arm_id).toBe(s.arms[0]);
    expect(body.winner_declared_at).toBe(new Date(now).toISOString());
    // Cumulative regret: decisions of arm 1 times the gap of posterior means (about 0.6).
    const pulls1 = body.arm_statistics[1].decisions as number;
    const gap = body.arm_statistics[0].posterior_mean - body.arm_statistics[1].posterior_mean;
    expect(m.cumulative_regret).toBeCloseTo(pulls1 * gap, 9);

    // Stored on a RegretMetrics row and pushed to the edge (allocation_version + 1).
    const rows = await t.db.select().from(regretMetrics).where(eq(regretMetrics.bandit_config_id, s.banditId));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.winner).toBe(s.arms[0]);
    expect(rows[0]!.expected_loss).toBeLessThan(0.01);
    const exp = await t.json("GET", `/v1/experiments/${s.experimentId}`);
    expect(exp.body.allocation_version).toBe(versionBefore + 1);
    const pushes = await t.db.select().from(syncOutbox).where(eq(syncOutbox.experiment_id, s.experimentId)).orderBy(asc(syncOutbox.id));
    const last = pushes.at(-1)!;
    expect(last.version).toBe(versionBefore + 1);
    expect((last.payload as { bandit: { winner_arm_id: string } }).bandit.winner_arm_id).toBe(s.arms[0]);

    // Declared once: a later read changes nothing.
    await t.json("GET", `/v1/bandits/${s.banditId}`);
    expect(await t.db.select().from(syncOutbox).where(eq(syncOutbox.experiment_id, s.experimentId))).toHaveLength(pushes.length);

    // Off-policy estimates: present, finite, intervals around the estimates, close to the true rates.
    const est = body.arm_estimates;
    expect(est.logged).toBe(400);
    expect(est.arms.map((x: { arm_id: string }) => x.arm_id)).toEqual(s.arms);
    const truth = [0.8, 0.2];
    est.arms.forEach((x: Record<string, { estimate: number; std_error: number; ci95: [number, number] }> & { n: number }, i: number) => {
      expect(x.n).toBe(body.arm_statistics[i].n);
      for (const method of ["ipw", "hajek", "aipw"] as const) {
        const e = x[method]!;
        expect(Number.isFinite(e.estimate)).toBe(true);
        expect(e.std_error).toBeGreaterThan(0);
        expect(e.ci95[0]).toBeLessThan(e.estimate);
        expect(e.ci95[1]).toBeGreaterThan(e.estimate);
        expect(Math.abs(e.estimate - truth[i]!)).toBeLessThan(0.12);
      }
      // With a constant propensity per arm, Hajek is the arm's sample mean exactly.
      expect(x["hajek"]!.estimate).toBeCloseTo(body.arm_statistics[i].mean, 12);
    });
  });

  it("does not declare a winner for an inactive configuration", async () => {
    const s = await setup();
    const sim = simulate(s, 200, 0.5, [0.9, 0.1], "inactive");
    await post([...sim.decisions, ...sim.rewards], s.experimentId);
    expect((await t.json("PATCH", `/v1/bandits/${s.banditId}`, { is_active: false })).status).toBe(200);
    const { body } = await t.json("GET", `/v1/bandits/${s.banditId}`);
    expect(body.regret_metrics.champion_expected_loss).toBeLessThan(0.01);
    expect(body.winner_arm_id).toBeNull();
    expect(body.regret_metrics.winner_arm_id).toBeNull();
  });

  it("answers null estimates when no reward has arrived, and 404 for an unknown id", async () => {
    const s = await setup();
    const { body } = await t.json("GET", `/v1/bandits/${s.banditId}`);
    expect(body.arm_estimates.logged).toBe(0);
    expect(body.arm_estimates.arms[0].ipw).toEqual({ estimate: null, std_error: null, ci95: [null, null] });
    expect(body.arm_statistics[0]).toMatchObject({ decisions: 0, n: 0, mean: null, posterior_mean: 0.5 });
    expect((await t.json("GET", "/v1/bandits/6f0c1c1e-8a3b-4c55-9d0e-2b7f4f9b1a10")).status).toBe(404);
  });
});

describe("GET /v1/bandits/:id/allocations", () => {
  it("pages in time order with next_cursor, filters by since, and bounds limit", async () => {
    const s = await setup();
    const sim = simulate(s, 25, 0.5, [0.5, 0.5], "pages");
    await post(sim.decisions, s.experimentId);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `?limit=10&cursor=${cursor}` : "?limit=10";
      const res = await t.json("GET", `/v1/bandits/${s.banditId}/allocations${q}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.limit).toBe(10);
      seen.push(...res.body.items.map((x: { decision_id: string }) => x.decision_id));
      if (res.body.next_cursor) expect(res.body.next_since).toBe(res.body.items.at(-1).timestamp);
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `pages-d${i}`));

    const since = new Date(T0 + 20_000).toISOString();
    const tail = await t.json("GET", `/v1/bandits/${s.banditId}/allocations?since=${encodeURIComponent(since)}`);
    expect(tail.body.items.map((x: { decision_id: string }) => x.decision_id)).toEqual(["pages-d20", "pages-d21", "pages-d22", "pages-d23", "pages-d24"]);
    expect(tail.body.next_cursor).toBeNull();
    expect(tail.body.items[0]).toMatchObject({ bandit_config_id: s.banditId, reward: null, arm_probabilities: { [s.arms[0]]: 0.5 } });

    expect((await t.json("GET", `/v1/bandits/${s.banditId}/allocations?limit=1001`)).status).toBe(400);
    expect((await t.json("GET", `/v1/bandits/${s.banditId}/allocations?since=yesterday`)).status).toBe(400);
    expect((await t.json("GET", `/v1/bandits/${s.banditId}/allocations?cursor=bogus`)).status).toBe(400);
    expect((await t.json("GET", "/v1/bandits/6f0c1c1e-8a3b-4c55-9d0e-2b7f4f9b1a10/allocations")).status).toBe(404);
  });
});

describe("retention job", () => {
  it("deletes bandit allocations and drift events older than 90 days, keeps the rest", async () => {
    const s = await setup();
    const day = 24 * 60 * 60 * 1000;
    const ids = { old: randomUUID(), edge: randomUUID(), recent: randomUUID() };
    const at = (ms: number) => new Date(ms).toISOString();
    const row = (id: string, ts: string) => ({ id, bandit_config_id: s.banditId, decision_id: `ret-${id}`, timestamp: ts, arm_probabilities: {}, selected_arm: s.arms[0] });
    await t.db.insert(banditAllocations).values([row(ids.old, at(T0 - 91 * day)), row(ids.edge, at(T0 - 89 * day)), row(ids.recent, at(T0 - day))]);
    const drift = (id: string, ts: string) => ({ id, event_key: id, experiment_id: s.experimentId, bandit_config_id: s.banditId, detector: "cusum", detected_at: ts, received_at: ts });
    const oldDrift = randomUUID();
    const newDrift = randomUUID();
    await t.db.insert(banditDriftEvents).values([drift(oldDrift, at(T0 - 100 * day)), drift(newDrift, at(T0 - 2 * day))]);

    const job = createRetentionJob({ db: t.db, clock: () => T0 });
    const report = await job.runOnce(T0);
    expect(report.cutoff).toBe(at(T0 - 90 * day));
    expect(report.bandit_allocations).toBeGreaterThanOrEqual(1);
    expect(report.bandit_drift_events).toBeGreaterThanOrEqual(1);
    const left = await t.db
      .select({ id: banditAllocations.id })
      .from(banditAllocations)
      .where(inArray(banditAllocations.id, Object.values(ids)));
    expect(left.map((r) => r.id).sort()).toEqual([ids.edge, ids.recent].sort());
    const driftLeft = await t.db
      .select({ id: banditDriftEvents.id })
      .from(banditDriftEvents)
      .where(and(eq(banditDriftEvents.bandit_config_id, s.banditId)));
    expect(driftLeft.map((r) => r.id)).toEqual([newDrift]);
    // Idempotent; start()/stop() run it on a schedule.
    expect((await job.runOnce(T0)).bandit_allocations).toBe(0);
    job.start();
    await job.stop();
  });
});
