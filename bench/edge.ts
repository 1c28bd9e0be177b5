// Edge benchmark: starts mvx as `npm start` does, runs a 12-combination experiment through the
// control plane, and measures POST /v1/assign at fixed offered rates and at saturation, next to a
// bare Durable Object round trip (GET /health/do: worker -> DO RPC -> response, the floor), plus
// reward ingestion in events/s. Prints tables; asserts nothing about time.
import { createHmac } from "node:crypto";
import autocannon from "autocannon";
import { http, startStack, waitFor } from "../test/helpers/stack.js";

const SYNC_SECRET = "bench-sync-secret";
const WEBHOOK_SECRET = "bench-webhook-secret";
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

interface Row {
  scenario: string;
  offered: string;
  achieved: number;
  p50: number;
  p99: number;
  errors: number;
}

function signSync(secret: string, body: string): string {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

async function load(
  url: string,
  opts: { rate?: number; method?: string; body?: () => string; headers?: (body: string) => Record<string, string> },
): Promise<{ achieved: number; p50: number; p99: number; errors: number; total: number }> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [
      {
        method: (opts.method ?? "GET") as "GET" | "POST",
        setupRequest: (req) => {
          if (!opts.body) return req;
          const body = opts.body();
          return { ...req, body, headers: { "content-type": "application/json", ...(opts.headers?.(body) ?? {}) } };
        },
      },
    ],
  });
  return {
    achieved: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    total: result.requests.total,
  };
}

export async function runEdgeBench(): Promise<void> {
  // The whole stack as `npm start` runs it: the edge's outbox delivers to the real control plane.
  const stack = await startStack({ MVX_WEBHOOK_SECRET: WEBHOOK_SECRET, MVX_SYNC_SECRET: SYNC_SECRET });
  const base = stack.edgeUrl;
  const auth = { Authorization: `Bearer ${stack.apiKey}` };
  try {
    const created = await http("POST", `${stack.cpUrl}/v1/experiments`, {
      name: "bench", design_type: "FullFactorial",
      variables: [
        { name: "a", levels: [0, 1], type: "continuous" },
        { name: "b", levels: ["x", "y", "z"], type: "categorical" },
        { name: "c", levels: ["p", "q"], type: "categorical" },
      ],
    }, auth);
    if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
    const experimentId: string = created.body.id;
    await http("POST", `${stack.cpUrl}/v1/experiments/${experimentId}/power-analysis`,
      { effect_size: 0.02, metric: { type: "binary", baseline_rate: 0.1 } }, auth);
    const run = await http("POST", `${stack.cpUrl}/v1/experiments/${experimentId}/transition`, { status: "Running" }, auth);
    if (run.status !== 200) throw new Error(`transition failed: ${JSON.stringify(run.body)}`);
    await waitFor(async () => (await http("POST", `${base}/v1/assign`, { experiment_id: experimentId, unit_id: "probe" })).body?.assigned === true,
      30_000, "the allocation to reach the edge");

    let unit = 0;
    const assignBody = () => JSON.stringify({ experiment_id: experimentId, unit_id: `u${unit++}` });
    // warm-up
    await load(`${base}/v1/assign`, { method: "POST", body: assignBody, rate: 200 }).catch(() => undefined);

    const rows: Row[] = [];
    const floor = await load(`${base}/health/do`, {});
    rows.push({ scenario: "bare DO round trip (floor)", offered: "saturation", ...floor });
    for (const rate of [200, 500, 1000]) {
      const r = await load(`${base}/v1/assign`, { method: "POST", body: assignBody, rate });
      rows.push({ scenario: "POST /v1/assign", offered: `${rate} req/s`, ...r });
    }
    const sat = await load(`${base}/v1/assign`, { method: "POST", body: assignBody });
    rows.push({ scenario: "POST /v1/assign", offered: "saturation", ...sat });

    // Reward ingestion: batches of 100 events attributed by unit (units u0.. were assigned above).
    const BATCH = 100;
    let evt = 0;
    const rewardBody = () =>
      JSON.stringify({
        events: Array.from({ length: BATCH }, () => {
          const i = evt++;
          return { event_id: `e${i}`, experiment_id: experimentId, unit_id: `u${i % Math.max(1, unit)}`, reward: i % 3 === 0 ? 1 : 0 };
        }),
      });
    const rw = await load(`${base}/v1/rewards`, {
      method: "POST", body: rewardBody, headers: (b) => ({ "X-MVX-Signature": signSync(WEBHOOK_SECRET, b) }),
    });

    console.log(`\nEdge (npm start stack: wrangler dev / local workerd + control plane; ${CONNECTIONS} connections, ${DURATION} s per row, load generator on the same 2 cores)`);
    console.table(rows.map((r) => ({
      scenario: r.scenario, offered: r.offered, "achieved req/s": Math.round(r.achieved),
      "p50 ms": r.p50, "p99 ms": r.p99, errors: r.errors,
    })));
    console.log(`assign at saturation / bare DO round trip: ${((sat.achieved / floor.achieved) * 100).toFixed(0)}%`);
    console.table([{ scenario: `POST /v1/rewards (batches of ${BATCH})`, "requests/s": Math.round(rw.achieved),
      "events/s": Math.round(rw.achieved * BATCH), "p50 ms": rw.p50, "p99 ms": rw.p99, errors: rw.errors }]);
  } finally {
    await stack.stop();
  }
}
