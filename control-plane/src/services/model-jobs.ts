// The in-process job runner of background statistical-model fits: a FIFO queue drained one fit at
// a time (setImmediate between jobs), status queued -> running (with progress) -> completed with
// the results, or failed with the error. One runner per database handle. At start-up recover()
// re-queues fits left `queued` (they never started; fitting is a pure function of the stored
// request and observations, so running them now gives the same result) and marks fits left
// `running` as failed (the process stopped mid-fit, possibly because of that fit; the client
// submits it again). Fits are synchronous CPU work, so each runs in a worker thread
// (node:worker_threads) whose entry is this same module: the main thread keeps answering HTTP
// while it runs, and reports the worker's progress. Under tsx / vitest (this file is TypeScript)
// the worker first registers tsx's loader (see workerEntry). The main thread loads only the
// columns the fit reads, in pages, as typed arrays that move to the worker without a copy (this
// works for every database, `:memory:` included); the worker rebuilds the rows, fits, and answers
// the results as the UTF-8 bytes of their JSON texts (transferred, not cloned), which are stored
// as they are.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { columnBuffers, loadObservationColumns, rowsFromColumns, type ObservationColumns } from "../db/repositories/observations.js";
import { findModelsByStatus, findStatisticalModel, updateStatisticalModel } from "../db/repositories/statistical-models.js";
import { statisticalModels } from "../db/schema/index.js";
import type { Clock } from "./experiments.js";
import {
  failureMessage,
  fitColumns,
  fitSpecification,
  parseFormulaOrFail,
  type FitInput,
  type FitResults,
  type ModelJobQueue,
  type ModelOptions,
} from "./statistical-models.js";

export interface ModelJobRunner extends ModelJobQueue {
  /** Re-queues `queued` fits and fails `running` ones (see the module comment). */
  recover(): Promise<{ requeued: number; failed: number }>;
  /** Resolves when the queue is empty and no fit is running. */
  idle(): Promise<void>;
}

export const INTERRUPTED_MESSAGE = "interrupted: the control plane stopped while this fit was running; submit it again";

const runners = new WeakMap<Db, ModelJobRunner>();

/** The results of a fit as the UTF-8 bytes of the JSON texts stored in the model's columns. */
export type SerializedFitResults = { [K in keyof FitResults]: Uint8Array };

/** Array elements per JSON.stringify call: V8 serialises several medium strings faster than one of hundreds of MB. */
const JSON_CHUNK = 50_000;
const utf8 = new TextEncoder();

/** A growing UTF-8 buffer. */
class Utf8Sink {
  private buf = new Uint8Array(1024);
  private len = 0;

  push(s: string): void {
    const need = this.len + 3 * s.length; // a UTF-16 code unit is at most 3 UTF-8 bytes
    if (need > this.buf.length) {
      const next = new Uint8Array(Math.max(need, 2 * this.buf.length));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.len += utf8.encodeInto(s, this.buf.subarray(this.len)).written;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** The UTF-8 bytes of JSON.stringify(value); long arrays are serialised a chunk of elements at a time, with the same text. */
export function jsonBytes(value: unknown): Uint8Array {
  const sink = new Utf8Sink();
  if (Array.isArray(value) && value.length > JSON_CHUNK) {
    sink.push("[");
    for (let i = 0; i < value.length; i += JSON_CHUNK) {
      if (i > 0) sink.push(",");
      const part = JSON.stringify(value.slice(i, i + JSON_CHUNK));
      sink.push(part.slice(1, -1));
    }
    sink.push("]");
  } else {
    sink.push(JSON.stringify(value));
  }
  return sink.bytes();
}

/** JSON.stringify of each result (the text the JSON columns store for the objects), as UTF-8. */
export function serializeFitResults(r: FitResults): SerializedFitResults {
  return {
    fitted_parameters: jsonBytes(r.fitted_parameters),
    model_diagnostics: jsonBytes(r.model_diagnostics),
    predictions: jsonBytes(r.predictions),
    uncertainty_quantification: jsonBytes(r.uncertainty_quantification),
  };
}

/** The buffers of serialised results, for a zero-copy postMessage. */
function resultBuffers(r: SerializedFitResults): ArrayBuffer[] {
  return [...new Set(Object.values(r).map((b) => b.buffer as ArrayBuffer))];
}

/**
 * How a runner computes a fit: in a worker thread (default) or on the calling thread. `data` is
 * the loaded columns, or their load still under way (the worker then starts meanwhile); its
 * buffers may be transferred (unusable by the caller afterwards).
 */
export type FitExecutor = (
  input: FitInput,
  data: ObservationColumns | Promise<ObservationColumns>,
  onProgress: (done: number) => void,
) => Promise<SerializedFitResults>;

/** A fit that failed inside the worker: the stored message and whether it was unexpected. */
export class WorkerFitError extends Error {
  constructor(message: string, readonly unexpected: boolean, readonly detail?: string) {
    super(message);
    this.name = "WorkerFitError";
  }
}

/** The worker's workerData: marks it as a model-fit worker, which then waits for one WorkerJob message. */
interface WorkerStart {
  mvxModelFit: true;
}
interface WorkerJob {
  input: FitInput;
  data: ObservationColumns;
}
type WorkerMessage =
  | { type: "progress"; done: number }
  | { type: "result"; results: SerializedFitResults }
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

/**
 * Runs one fit in a worker thread (this module as entry), forwarding its progress. The worker
 * starts at once (loading its modules overlaps the loading of the observations) and receives the
 * job, with the column buffers transferred, once the data is there.
 */
export const workerFitExecutor: FitExecutor = (input, data, onProgress) =>
  new Promise<SerializedFitResults>((resolve, reject) => {
    const worker = new Worker(workerEntry(), { workerData: { mvxModelFit: true } satisfies WorkerStart });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
    };
    Promise.resolve(data).then(
      (d) => {
        if (!settled) worker.postMessage({ input, data: d } satisfies WorkerJob, columnBuffers(d));
      },
      (err: unknown) => {
        settle(() => reject(err));
        void worker.terminate();
      },
    );
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "progress") onProgress(m.done);
      else if (m.type === "result") settle(() => resolve(m.results));
      else settle(() => reject(new WorkerFitError(m.message, m.unexpected, m.detail)));
    });
    worker.on("error", (err) => settle(() => reject(err)));
    worker.on("exit", (code) => settle(() => reject(new Error(`model-fit worker exited with code ${code} before answering`))));
  });

/** Runs one fit on the calling thread (tests, or where worker threads are unwanted). */
export const inProcessFitExecutor: FitExecutor = async (input, data, onProgress) => {
  const d = await data;
  await nextTick();
  return serializeFitResults(fitSpecification(input, rowsFromColumns(d), Array.from(d.ids.subarray(0, d.n)), onProgress));
};

/** The worker side: fit, post progress (at most every 1%) and the result or the error. */
function runWorker(job: WorkerJob): void {
  const port = parentPort!;
  let last = 0;
  try {
    const { data } = job;
    const results = fitSpecification(job.input, rowsFromColumns(data), Array.from(data.ids.subarray(0, data.n)), (done) => {
      if (done - last >= 0.01) {
        last = done;
        port.postMessage({ type: "progress", done } satisfies WorkerMessage);
      }
    });
    const serialized = serializeFitResults(results);
    port.postMessage({ type: "result", results: serialized } satisfies WorkerMessage, resultBuffers(serialized));
  } catch (err) {
    const { message, unexpected } = failureMessage(err);
    port.postMessage({ type: "error", message, unexpected, ...(unexpected ? { detail: err instanceof Error ? (err.stack ?? err.message) : String(err) } : {}) } satisfies WorkerMessage);
  }
}

if (!isMainThread && (workerData as Partial<WorkerStart> | null)?.mvxModelFit === true) parentPort!.once("message", (job: WorkerJob) => runWorker(job));

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

/**
 * Stores a completed fit: the results' JSON texts written as they are into the JSON columns (bound
 * as UTF-8 blobs and cast to TEXT in SQL, the database's encoding being SQLite's default UTF-8, so
 * the text is neither decoded nor re-encoded here).
 */
async function storeCompleted(db: Db, id: string, r: SerializedFitResults, computedAt: string): Promise<void> {
  const text = (bytes: Uint8Array) => sql`CAST(${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)} AS TEXT)`;
  await db
    .update(statisticalModels)
    .set({
      fitted_parameters: text(r.fitted_parameters),
      model_diagnostics: text(r.model_diagnostics),
      predictions: text(r.predictions),
      uncertainty_quantification: text(r.uncertainty_quantification),
      status: "completed",
      progress: 1,
      error: null,
      computed_at: computedAt,
    })
    .where(eq(statisticalModels.id, id));
}

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
    // Progress writes are chained and thinned to steps of at least 0.05.
    let written = 0.05;
    let writes = Promise.resolve();
    const report = (p: number) => {
      if (p - written < 0.05) return;
      written = p;
      writes = writes.then(() => updateStatisticalModel(db, id, { progress: p })).catch((e: unknown) => logError(`mvx control plane: cannot record progress of ${id}`, e));
    };
    try {
      const input: FitInput = {
        model_class: model.model_class,
        estimation_method: model.estimation_method,
        specification: model.specification as FitInput["specification"],
        options: model.options as ModelOptions | null,
      };
      const columns = fitColumns(input, parseFormulaOrFail(input.specification.formula));
      // Loading maps to 0.05..0.25, the fit's own progress (replicates, draws) to 0.25..0.95.
      const loading = loadObservationColumns(db, model.experiment_id, columns, { onPage: (loaded, total) => report(0.05 + (0.2 * loaded) / total) }).then(
        async (data) => {
          await writes;
          written = 0.25;
          await updateStatisticalModel(db, id, { progress: 0.25 });
          return data;
        },
      );
      let results: SerializedFitResults;
      try {
        results = await executor(input, loading, (done) => report(0.25 + 0.7 * done));
      } finally {
        await loading.catch(() => undefined);
        await writes;
      }
      await storeCompleted(db, id, results, iso());
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
