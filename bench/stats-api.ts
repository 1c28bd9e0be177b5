// Statistical-model API benchmark: the whole path of a background mixed-model fit through the
// control plane, `y ~ x + (x | g)` (REML) on seeded synthetic rows with 1,000 groups, at 100K
// and 1.45M rows. Each size gets its own temp-file libSQL database and createApp(); the rows are
// imported through POST /v1/experiments/:id/observations (JSON, 50,000 rows a request), the
// model is created with POST /v1/experiments/:id/statistical-models (202, queued) and the job is
// followed until it completes. Columns: import time; the create request; load (model created ->
// progress 0.25, which the job records once the observations are loaded); fit (-> completed:
// worker thread, fit, predictions, serialisation, store); total (model created -> completed);
// and the time of the GET that returns the stored results (all per-row predictions). Prints a
// table; asserts nothing. BENCH_STATS_API_ROWS=100000 limits the sizes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { createApp } from "../control-plane/src/app.js";
import { openDb } from "../control-plane/src/db/client.js";
import { statisticalModels } from "../control-plane/src/db/schema/index.js";
import { createRng, normalDraw } from "../packages/core/src/random/rng.js";

const GROUPS = 1000;
const IMPORT_CHUNK = 50_000;
const API_KEY = "bench-api-key";

/** Rows [from, to) of y = 10 + 2x + b0[g] + b1[g] x + e with sd(b0, b1, e) = (5, 1, 3), g = i mod 1000. */
function syntheticChunk(rng: () => number, b0: number[], b1: number[], from: number, to: number): { y: number; x: number; g: string }[] {
  const rows = new Array<{ y: number; x: number; g: string }>(to - from);
  for (let i = from; i < to; i++) {
    const g = i % GROUPS;
    const x = normalDraw(rng);
    rows[i - from] = { y: 10 + 2 * x + b0[g]! + b1[g]! * x + 3 * normalDraw(rng), x, g: `g${g}` };
  }
  return rows;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function benchSize(n: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "mvx-stats-api-"));
  const db = await openDb(`file:${join(dir, "mvx.db")}`);
  try {
    const app = createApp({
      db,
      env: { MVX_API_KEY: API_KEY, MVX_SYNC_SECRET: "bench-sync-secret", MVX_MAX_BODY_BYTES: 64 * 1024 * 1024 },
      logError: (m, e) => console.error(m, e),
    });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${API_KEY}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any, bytes: text.length };
    };
    const experiment = await call("POST", "/v1/experiments", {
      name: "stats api bench",
      design_type: "FullFactorial",
      variables: [{ name: "color", levels: ["red", "blue"], type: "categorical" }],
    });
    if (experiment.status !== 201) throw new Error(`cannot create the experiment: ${JSON.stringify(experiment.body)}`);
    const id = experiment.body.id as string;

    const rng = createRng(`stats-api-bench-${n}`);
    const b0 = Array.from({ length: GROUPS }, () => 5 * normalDraw(rng));
    const b1 = Array.from({ length: GROUPS }, () => 1 * normalDraw(rng));
    let t0 = performance.now();
    for (let from = 0; from < n; from += IMPORT_CHUNK) {
      const rows = syntheticChunk(rng, b0, b1, from, Math.min(n, from + IMPORT_CHUNK));
      const res = await call("POST", `/v1/experiments/${id}/observations`, { rows });
      if (res.status !== 201) throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const importMs = performance.now() - t0;

    t0 = performance.now();
    const created = await call("POST", `/v1/experiments/${id}/statistical-models`, {
      model_class: "MixedEffects",
      specification: { formula: "y ~ x + (x | g)" },
      estimation_method: "MLE",
      options: { async: true },
    });
    const createMs = performance.now() - t0;
    if (created.status !== 202) throw new Error(`expected a queued fit, got ${created.status}: ${JSON.stringify(created.body).slice(0, 500)}`);
    const modelId = created.body.id as string;

    // Follow status and progress with a narrow select (the GET of a completed model carries every prediction).
    let loadedMs = NaN;
    let status = "";
    for (;;) {
      const [row] = await db
        .select({ status: statisticalModels.status, progress: statisticalModels.progress })
        .from(statisticalModels)
        .where(eq(statisticalModels.id, modelId));
      status = row?.status ?? "missing";
      if (Number.isNaN(loadedMs) && row && row.progress >= 0.25) loadedMs = performance.now() - t0;
      if (status === "completed" || status === "failed" || status === "missing") break;
      await sleep(20);
    }
    const totalMs = performance.now() - t0;

    const t1 = performance.now();
    const got = await call("GET", `/v1/statistical-models/${modelId}`);
    const getMs = performance.now() - t1;
    if (status !== "completed") throw new Error(`the fit ended ${status}: ${got.body?.error ?? ""}`);
    const fixed = got.body.fitted_parameters.fixed_effects as { term: string; estimate: number }[];
    const sds = (got.body.fitted_parameters.variance_components as { sd: number }[]).map((v) => v.sd.toFixed(2)).join(" / ");
    return {
      rows: n,
      "import ms": Math.round(importMs),
      "create ms": Math.round(createMs),
      "load ms": Math.round(loadedMs),
      "fit ms": Math.round(totalMs - loadedMs),
      "total ms": Math.round(totalMs),
      "GET ms": Math.round(getMs),
      "GET MB": Math.round(got.bytes / 1e6),
      nobs: got.body.model_diagnostics.nobs,
      "beta (x)": fixed.find((r) => r.term === "x")?.estimate.toFixed(3),
      sds,
    };
  } finally {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runStatsApiBench(): Promise<void> {
  const sizes = (process.env.BENCH_STATS_API_ROWS ?? "100000,1450000").split(",").map(Number);
  const table: Record<string, unknown>[] = [];
  for (const n of sizes) {
    table.push(await benchSize(n));
    console.error(`  stats-api: ${n} rows done`);
  }
  console.log(`Statistical-model API: background fit of y ~ x + (x | g) (REML) through the control plane on a temp-file libSQL database, ${GROUPS} groups`);
  console.log("load = model created -> observations loaded (progress 0.25); fit = loaded -> completed (worker, fit, predictions, store); total = created -> completed");
  console.log("True: beta (x) 2, sds g intercept 5 / g slope 1 / residual 3");
  console.table(table);
}
