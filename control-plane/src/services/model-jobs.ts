// The in-process job runner of background statistical-model fits: a FIFO queue drained one fit at
// a time (setImmediate between jobs), status queued -> running (with progress) -> completed with
// the results, or failed with the error. One runner per database handle. At start-up recover()
// re-queues fits left `queued` (they never started; fitting is a pure function of the stored
// request and observations, so running them now gives the same result) and marks fits left
// `running` as failed (the process stopped mid-fit, possibly because of that fit; the client
// submits it again). Fits are synchronous CPU work, so each runs in a worker thread
// (node:worker_threads) whose entry is this same module: the main thread keeps answering HTTP
// while it runs, and reports the worker's progress. Under tsx / vitest (this file is TypeScript)
// the worker first registers tsx's loader (see workerEntry).

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import type { Db } from "../db/client.js";
import { loadObservations } from "../db/repositories/observations.js";
import { findModelsByStatus, findStatisticalModel, updateStatisticalModel } from "../db/repositories/statistical-models.js";
import type { Clock } from "./experiments.js";
import { failureMessage, fitSpecification, type FitInput, type FitResults, type ModelJobQueue, type ModelOptions } from "./statistical-models.js";

export interface ModelJobRunner extends ModelJobQueue {
  /** Re-queues `queued` fits and fails `running` ones (see the module comment). */
  recover(): Promise<{ requeued: number; failed: number }>;
  /** Resolves when the queue is empty and no fit is running. */
  idle(): Promise<void>;
}

export const INTERRUPTED_MESSAGE = "interrupted: the control plane stopped while this fit was running; submit it again";

const runners = new WeakMap<Db, ModelJobRunner>();

/** How a runner computes a fit: in a worker thread (default) or on the calling thread. */
export type FitExecutor = (input: FitInput, rows: Record<string, unknown>[], ids: readonly number[], onProgress: (done: number) => void) => Promise<FitResults>;

/** A fit that failed inside the worker: the stored message and whether it was unexpected. */
export class WorkerFitError extends Error {
  constructor(message: string, readonly unexpected: boolean, readonly detail?: string) {
    super(message);
    this.name = "WorkerFitError";
  }
}

interface WorkerJob {
  mvxModelFit: true;
  input: FitInput;
  rows: Record<string, unknown>[];
  ids: number[];
}
type WorkerMessage =
  | { type: "progress"; done: number }
  | { type: "result"; results: FitResults }
  | { type: "error"; message: string; unexpected: boolean; detail?: string };

/**
 * The worker's entry: this module itself when it runs as JavaScript; when it is TypeScript (tsx,
 * vitest), a small ES module that registers tsx's loader in the worker first and then imports
 * this file (Node 20 workers do not take `--import <loader>` from execArgv).
 */
function workerEntry(): URL {
  if (!import.meta.url.endsWith(".ts")) return new URL(import.meta.url);
  const req = createRequire(import.meta.url);
  const pkgPath = req.resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { exports: Record<string, { import?: { default?: string } } | string> };
  const api = pkg.exports["./esm/api"];
  const rel = typeof api === "object" ? api.import?.default : undefined;
  if (!rel) throw new Error("cannot find tsx's ESM API (tsx/esm/api) to load the TypeScript model-fit worker");
  const apiUrl = pathToFileURL(join(dirname(pkgPath), rel)).href;
  const code = `import { register } from ${JSON.stringify(apiUrl)}; register(); await import(${JSON.stringify(import.meta.url)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/** Runs one fit in a worker thread (this module as entry), forwarding its progress. */
export const workerFitExecutor: FitExecutor = (input, rows, ids, onProgress) =>
  new Promise<FitResults>((resolve, reject) => {
    const job: WorkerJob = { mvxModelFit: true, input, rows, ids: [...ids] };
    const worker = new Worker(workerEntry(), { workerData: job });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
    };
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "progress") onProgress(m.done);
      else if (m.type === "result") settle(() => resolve(m.results));
      else settle(() => reject(new WorkerFitError(m.message, m.unexpected, m.detail)));
    });
    worker.on("error", (err) => settle(() => reject(err)));
    worker.on("exit", (code) => settle(() => reject(new Error(`model-fit worker exited with code ${code} before answering`))));
  });

/** Runs one fit on the calling thread (tests, or where worker threads are unwanted). */
export const inProcessFitExecutor: FitExecutor = async (input, rows, ids, onProgress) => {
  await nextTick();
  return fitSpecification(input, rows, ids, onProgress);
};

/** The worker side: fit, post progress (at most every 1%) and the result or the error. */
function runWorker(job: WorkerJob): void {
  const port = parentPort!;
  let last = 0;
  try {
    const results = fitSpecification(job.input, job.rows, job.ids, (done) => {
      if (done - last >= 0.01) {
        last = done;
        port.postMessage({ type: "progress", done } satisfies WorkerMessage);
      }
    });
    port.postMessage({ type: "result", results } satisfies WorkerMessage);
  } catch (err) {
    const { message, unexpected } = failureMessage(err);
    port.postMessage({ type: "error", message, unexpected, ...(unexpected ? { detail: err instanceof Error ? (err.stack ?? err.message) : String(err) } : {}) } satisfies WorkerMessage);
  }
}

if (!isMainThread && (workerData as Partial<WorkerJob> | null)?.mvxModelFit === true) runWorker(workerData as WorkerJob);

/** The runner of `db` (created on first use). */
export function modelJobRunner(
  db: Db,
  clock: Clock = Date.now,
  logError: (m: string, e: unknown) => void = (m, e) => console.error(m, e),
  executor: FitExecutor = workerFitExecutor,
): ModelJobRunner {
  let runner = runners.get(db);
  if (!runner) {
    runner = createModelJobRunner(db, clock, logError, executor);
    runners.set(db, runner);
  }
  return runner;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createModelJobRunner(
  db: Db,
  clock: Clock,
  logError: (m: string, e: unknown) => void,
  executor: FitExecutor = workerFitExecutor,
): ModelJobRunner {
  const queue: string[] = [];
  let active: Promise<void> | null = null;
  const iso = () => new Date(clock()).toISOString();

  async function runOne(id: string): Promise<void> {
    const model = await findStatisticalModel(db, id);
    if (!model || model.status !== "queued") return;
    await updateStatisticalModel(db, id, { status: "running", progress: 0.05 });
    try {
      const { rows, ids } = await loadObservations(db, model.experiment_id);
      await updateStatisticalModel(db, id, { progress: 0.25 });
      // Progress from the fit (replicates, draws) maps to 0.25..0.95; writes are chained and thinned.
      let written = 0.25;
      let writes = Promise.resolve();
      const onProgress = (done: number) => {
        const p = 0.25 + 0.7 * done;
        if (p - written < 0.05) return;
        written = p;
        writes = writes.then(() => updateStatisticalModel(db, id, { progress: p })).catch((e: unknown) => logError(`mvx control plane: cannot record progress of ${id}`, e));
      };
      const input: FitInput = {
        model_class: model.model_class,
        estimation_method: model.estimation_method,
        specification: model.specification as FitInput["specification"],
        options: model.options as ModelOptions | null,
      };
      let results: FitResults;
      try {
        results = await executor(input, rows, ids, onProgress);
      } finally {
        await writes;
      }
      await updateStatisticalModel(db, id, { ...results, status: "completed", progress: 1, error: null, computed_at: iso() });
    } catch (err) {
      const { message, unexpected } = err instanceof WorkerFitError ? err : failureMessage(err);
      if (unexpected) logError(`mvx control plane: background fit ${id} failed`, err instanceof WorkerFitError ? (err.detail ?? err) : err);
      await updateStatisticalModel(db, id, { status: "failed", error: message, computed_at: iso() });
    }
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const id = queue.shift()!;
      await nextTick();
      try {
        await runOne(id);
      } catch (err) {
        logError(`mvx control plane: cannot record background fit ${id}`, err);
      }
    }
  }

  function kick(): void {
    if (active) return;
    active = drain().finally(() => {
      active = null;
      if (queue.length > 0) kick();
    });
  }

  return {
    enqueue(id) {
      queue.push(id);
      kick();
    },
    async recover() {
      let requeued = 0;
      let failed = 0;
      try {
        for (const m of await findModelsByStatus(db, ["queued", "running"])) {
          if (m.status === "running") {
            await updateStatisticalModel(db, m.id, { status: "failed", error: INTERRUPTED_MESSAGE, computed_at: iso() });
            failed++;
          } else if (!queue.includes(m.id)) {
            queue.push(m.id);
            requeued++;
          }
        }
        kick();
      } catch (err) {
        logError("mvx control plane: cannot recover background fits", err);
      }
      return { requeued, failed };
    },
    async idle() {
      while (active) await active;
    },
  };
}
