// Bandit benchmark: decisions/s and latency of POST /v1/assign through local workerd (the stack as
// `npm start` runs it) for ThompsonSampling with 2, 4 and 16 arms and a Contextual policy with
// d = 10 (intercept + 9 numeric user features), each at saturation with autocannon; the same
// 4-arm experiment with `shards: 1` vs `shards: 4`; and in-process microseconds per decision of
// each core policy (a tight loop, median of repeats). Prints tables; asserts nothing about time.
import autocannon from "autocannon";
import { createPolicy, createRng, type AnyBanditPolicy, type ArmStats, type BanditAlgorithm, type ContextFeatures, type UnitContext } from "@mvx/core";
import { http, startStack, waitFor, type Stack } from "../test/helpers/stack.js";

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const FEATURES = Array.from({ length: 9 }, (_, i) => `f${i + 1}`); // d = 1 + 9 = 10

interface Scenario {
  name: string;
  algorithm: BanditAlgorithm;
  /** levels per variable of the full factorial design (arms = their product). */
  levels: number[];
  shards: number;
  contextual: boolean;
}

/** A unit's numeric context for the Contextual scenarios (deterministic from the unit number). */
function contextOf(i: number): UnitContext {
  return { user: Object.fromEntries(FEATURES.map((f, j) => [f, ((i * 31 + j * 17) % 100) / 100])) };
}

async function setUp(stack: Stack, s: Scenario): Promise<string> {
  const auth = { Authorization: `Bearer ${stack.apiKey}` };
  const variables = s.levels.map((n, v) => ({ name: `v${v}`, levels: Array.from({ length: n }, (_, l) => `l${l}`), type: "categorical" }));
  const created = await http("POST", `${stack.cpUrl}/v1/experiments`, {
    name: `bench ${s.name}`, design_type: "FullFactorial", variables,
    ...(s.contextual ? { context_schema: { user: Object.fromEntries(FEATURES.map((f) => [f, "numeric"])) } } : {}),
  }, auth);
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  const id: string = created.body.id;
  const power = await http("POST", `${stack.cpUrl}/v1/experiments/${id}/power-analysis`, { effect_size: 0.02, metric: { type: "binary", baseline_rate: 0.1 } }, auth);
  if (power.status !== 200) throw new Error(`power analysis failed: ${JSON.stringify(power.body)}`);
  const bandit = await http("POST", `${stack.cpUrl}/v1/experiments/${id}/bandits`, {
    algorithm: s.algorithm, exploration_rate: s.contextual ? 1 : 0, update_frequency: 0, regret_threshold: 0.001, is_active: true, shards: s.shards,
    ...(s.contextual ? { context_features: { user_features: FEATURES } } : {}),
  }, auth);
  if (bandit.status !== 201) throw new Error(`bandit failed: ${JSON.stringify(bandit.body)}`);
  const run = await http("POST", `${stack.cpUrl}/v1/experiments/${id}/transition`, { status: "Running" }, auth);
  if (run.status !== 200) throw new Error(`transition failed: ${JSON.stringify(run.body)}`);
  await waitFor(async () => {
    const r = await http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: id, unit_id: "probe", ...(s.contextual ? { context: contextOf(0) } : {}) });
    return r.status === 200 && r.body.assigned === true && r.body.algorithm === s.algorithm;
  }, 30_000, `the ${s.name} bandit to reach the edge`);
  return id;
}

async function load(url: string, body: () => string, duration: number) {
  const result = await autocannon({
    url, connections: CONNECTIONS, duration,
    requests: [{ method: "POST", setupRequest: (req) => ({ ...req, body: body(), headers: { "content-type": "application/json" } }) }],
  });
  return { achieved: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx + result.timeouts };
}

// ---------------------------------------------------------------------------------------------
// In-process: core policies only
// ---------------------------------------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Microseconds per call of `fn`, median over `repeats` timed loops of `iterations`. */
function timeLoop(fn: (i: number) => void, iterations: number, repeats = 7): number {
  for (let i = 0; i < iterations; i++) fn(i); // one untimed pass: JIT warm-up
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn(i);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000 / iterations);
  }
  return median(samples);
}

function inProcessRow(name: string, algorithm: BanditAlgorithm, arms: number, iterations: number, features?: ContextFeatures) {
  const policy: AnyBanditPolicy = createPolicy({
    algorithm, exploration_rate: algorithm === "ThompsonSampling" ? 0 : algorithm === "EpsilonGreedy" ? 0.1 : 1,
    arm_definitions: Array.from({ length: arms }, (_, i) => ({ arm_id: `a${i}` })),
    ...(features ? { context_features: features } : {}),
  });
  const rng = createRng(`bench/${name}`);
  const means = Array.from({ length: arms }, (_, i) => 0.05 + (0.1 * i) / arms);
  // A state after 2,000 rewarded decisions, so the posteriors are not the priors.
  let chooseUs: number, decideUs: number, updateUs: number;
  if (policy.algorithm === "Contextual") {
    let state = policy.initialState();
    for (let t = 0; t < 2000; t++) {
      const ctx = { context: contextOf(t) };
      const a = policy.choose(state, ctx, rng);
      state = policy.update(state, a, rng() < means[a]! ? 1 : 0, ctx);
    }
    const contexts = Array.from({ length: 256 }, (_, i) => ({ context: contextOf(i) }));
    chooseUs = timeLoop((i) => policy.choose(state, contexts[i & 255]!, rng), iterations);
    decideUs = timeLoop((i) => policy.decide(state, contexts[i & 255]!, rng), iterations);
    updateUs = timeLoop((i) => policy.update(state, i % arms, 1, contexts[i & 255]!), iterations);
  } else {
    let state: readonly ArmStats[] = policy.initialState();
    for (let t = 0; t < 2000; t++) {
      const a = policy.choose(state, {}, rng);
      state = policy.update(state, a, rng() < means[a]! ? 1 : 0);
    }
    chooseUs = timeLoop(() => policy.choose(state, {}, rng), iterations);
    decideUs = timeLoop(() => policy.decide(state, {}, rng), iterations);
    updateUs = timeLoop((i) => policy.update(state, i % arms, 1), iterations);
  }
  return {
    policy: name,
    "choose µs": Number(chooseUs.toFixed(2)),
    "decide µs (with propensity, as the edge)": Number(decideUs.toFixed(2)),
    "update µs": Number(updateUs.toFixed(2)),
    "decisions/s (decide, 1 core)": Math.round(1e6 / decideUs),
  };
}

export async function runBanditBench(): Promise<void> {
  // In-process first (no stack running beside it).
  const contextual: ContextFeatures = { user_features: FEATURES };
  const inProcess = [
    inProcessRow("ThompsonSampling, 2 arms", "ThompsonSampling", 2, 2000),
    inProcessRow("ThompsonSampling, 4 arms", "ThompsonSampling", 4, 2000),
    inProcessRow("ThompsonSampling, 16 arms", "ThompsonSampling", 16, 500),
    inProcessRow("UCB (UCB1), 4 arms", "UCB", 4, 20_000),
    inProcessRow("EpsilonGreedy, 4 arms", "EpsilonGreedy", 4, 20_000),
    inProcessRow("Contextual (LinUCB), 4 arms, d = 10", "Contextual", 4, 2000, contextual),
  ];

  const scenarios: Scenario[] = [
    { name: "ThompsonSampling, 2 arms", algorithm: "ThompsonSampling", levels: [2], shards: 1, contextual: false },
    { name: "ThompsonSampling, 4 arms", algorithm: "ThompsonSampling", levels: [2, 2], shards: 1, contextual: false },
    { name: "ThompsonSampling, 16 arms", algorithm: "ThompsonSampling", levels: [4, 4], shards: 1, contextual: false },
    { name: "Contextual, 4 arms, d = 10", algorithm: "Contextual", levels: [2, 2], shards: 1, contextual: true },
    { name: "ThompsonSampling, 4 arms, shards: 4", algorithm: "ThompsonSampling", levels: [2, 2], shards: 4, contextual: false },
  ];
  const stack = await startStack();
  const rows: Record<string, string | number>[] = [];
  const sharding: Record<string, string | number>[] = [];
  try {
    const ids = new Map<Scenario, string>();
    let unit = 0;
    const measure = async (s: Scenario, duration: number) => {
      const id = ids.get(s)!;
      const body = () => {
        const i = unit++;
        return JSON.stringify({ experiment_id: id, unit_id: `u${i}`, ...(s.contextual ? { context: contextOf(i) } : {}) });
      };
      return load(`${stack.edgeUrl}/v1/assign`, body, duration);
    };
    for (const s of scenarios) {
      ids.set(s, await setUp(stack, s));
      await measure(s, 1); // warm-up
      const r = await measure(s, DURATION);
      rows.push({ scenario: s.name, shards: s.shards, "decisions/s": Math.round(r.achieved), "p50 ms": r.p50, "p99 ms": r.p99, errors: r.errors });
    }
    // Sharding: the same 4-arm design with shards: 1 and shards: 4, interleaved (1, 4, 1, 4) so that
    // drift in the machine's load (the control plane draining decision logs) hits both alike.
    const pair = [scenarios[1]!, scenarios[4]!];
    const acc = new Map<number, { achieved: number; p99: number[]; errors: number }>(pair.map((s) => [s.shards, { achieved: 0, p99: [], errors: 0 }]));
    for (let round = 0; round < 2; round++) {
      for (const s of pair) {
        const r = await measure(s, DURATION);
        const a = acc.get(s.shards)!;
        a.achieved += r.achieved / 2;
        a.p99.push(r.p99);
        a.errors += r.errors;
      }
    }
    for (const [shards, a] of acc) {
      sharding.push({ scenario: `ThompsonSampling, 4 arms, shards: ${shards}`, "decisions/s (mean of 2)": Math.round(a.achieved), "p99 ms (each)": a.p99.join(" / "), errors: a.errors });
    }
  } finally {
    await stack.stop();
  }

  console.log(`\nBandit decisions through local workerd (npm start stack; POST /v1/assign at saturation, ${CONNECTIONS} connections, ${DURATION} s per row; no rewards during the load; load generator on the same cores)`);
  console.table(rows);
  console.log("\nSharding, 4-arm ThompsonSampling (interleaved runs; locally every shard is a Durable Object in the same workerd process on the same cores)");
  console.table(sharding);
  const [one, four] = sharding.map((r) => Number(r["decisions/s (mean of 2)"]));
  if (one && four) console.log(`shards: 4 / shards: 1 = ${((four / one) * 100).toFixed(0)}% of the decisions/s`);
  console.log("\nBandit decisions in-process (core only; median of 7 timed loops, state after 2,000 rewarded decisions; " +
    "ThompsonSampling's decide estimates the propensity from 1,000 joint posterior draws, DEFAULT_PROPENSITY_DRAWS)");
  console.table(inProcess);
}
