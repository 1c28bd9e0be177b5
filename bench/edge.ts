// Edge benchmark: starts the worker with wrangler dev (local workerd), pushes a 12-combination
// allocation, and measures POST /v1/assign at fixed offered rates and at saturation, next to a
// bare Durable Object round trip (GET /health/do: worker -> DO RPC -> response, the floor), plus
// reward ingestion in events/s. Prints tables; asserts nothing about time.
import { spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { signPayload } from "@mvx/core";
import { freePort, ROOT } from "../test/helpers/stack.js";

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
  const port = await freePort();
  const inspector = await freePort();
  const persist = mkdtempSync(path.join(tmpdir(), "mvx-bench-"));
  const wrangler = spawn(
    path.join(ROOT, "node_modules/.bin/wrangler"),
    ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--log-level", "warn",
      "--show-interactive-dev-session=false", "--persist-to", persist,
      "--var", `MVX_SYNC_SECRET:${SYNC_SECRET}`, "--var", `MVX_WEBHOOK_SECRET:${WEBHOOK_SECRET}`,
      // Logs go nowhere during the benchmark: the outbox retries in the background, as in production
      // when the control plane is away; its cost is part of what is measured.
      "--var", "CONTROL_PLANE_URL:http://127.0.0.1:9"],
    { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], detached: true,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false" } },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch { /* starting */ }
      if (i > 300) throw new Error("edge did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
    const experimentId = randomUUID();
    const combinations = Array.from({ length: 12 }, (_, i) => ({
      combination_id: `c${String(i + 1).padStart(2, "0")}`,
      variable_values: { a: i % 2, b: Math.floor(i / 2) % 3, c: Math.floor(i / 6) },
      traffic_allocation: 1 / 12,
    }));
    const push = JSON.stringify({ experiment_id: experimentId, version: 1, status: "Running", hash_version: 1, salt: experimentId, combinations, issued_at: new Date().toISOString() });
    const pr = await fetch(`${base}/internal/experiments/${experimentId}/allocation`, {
      method: "PUT", body: push,
      headers: { "content-type": "application/json", "X-MVX-Signature": await signPayload(SYNC_SECRET, push, Date.now() / 1000) },
    });
    if (!pr.ok) throw new Error(`allocation push failed: ${pr.status} ${await pr.text()}`);

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

    console.log(`\nEdge (wrangler dev, local workerd; ${CONNECTIONS} connections, ${DURATION} s per row, load generator on the same cores)`);
    console.table(rows.map((r) => ({
      scenario: r.scenario, offered: r.offered, "achieved req/s": Math.round(r.achieved),
      "p50 ms": r.p50, "p99 ms": r.p99, errors: r.errors,
    })));
    console.log(`assign at saturation / bare DO round trip: ${((sat.achieved / floor.achieved) * 100).toFixed(0)}%`);
    console.table([{ scenario: `POST /v1/rewards (batches of ${BATCH})`, "requests/s": Math.round(rw.achieved),
      "events/s": Math.round(rw.achieved * BATCH), "p50 ms": rw.p50, "p99 ms": rw.p99, errors: rw.errors }]);
  } finally {
    try { process.kill(-wrangler.pid!, "SIGTERM"); } catch { /* gone */ }
    await new Promise((r) => setTimeout(r, 500));
    try { process.kill(-wrangler.pid!, "SIGKILL"); } catch { /* gone */ }
    rmSync(persist, { recursive: true, force: true });
  }
}
