// The in-process job runner of background statistical-model fits: a FIFO queue drained one fit at
// a time (setImmediate between jobs), status queued -> running (with progress) -> completed with
// the results, or failed with the error. One runner per database handle. At start-up recover()
// re-queues fits left `queued` (they never started; fitting is a pure function of the stored
// request and observations, so running them now gives the same result) and marks fits left
// `running` as failed (the process stopped mid-fit, possibly because of that fit; the client
// submits it again). Fits are synchronous CPU work, so while one runs this process answers no
// HTTP request (a worker thread would lift that).

import type { Db } from "../db/client.js";
import { loadObservations } from "../db/repositories/observations.js";
import { findModelsByStatus, findStatisticalModel, updateStatisticalModel } from "../db/repositories/statistical-models.js";
import type { Clock } from "./experiments.js";
import { failureMessage, fitSpecification, type ModelJobQueue, type ModelOptions } from "./statistical-models.js";

export interface ModelJobRunner extends ModelJobQueue {
  /** Re-queues `queued` fits and fails `running` ones (see the module comment). */
  recover(): Promise<{ requeued: number; failed: number }>;
  /** Resolves when the queue is empty and no fit is running. */
  idle(): Promise<void>;
}

export const INTERRUPTED_MESSAGE = "interrupted: the control plane stopped while this fit was running; submit it again";

const runners = new WeakMap<Db, ModelJobRunner>();

/** The runner of `db` (created on first use). */
export function modelJobRunner(db: Db, clock: Clock = Date.now, logError: (m: string, e: unknown) => void = (m, e) => console.error(m, e)): ModelJobRunner {
  let runner = runners.get(db);
  if (!runner) {
    runner = createModelJobRunner(db, clock, logError);
    runners.set(db, runner);
  }
  return runner;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createModelJobRunner(db: Db, clock: Clock, logError: (m: string, e: unknown) => void): ModelJobRunner {
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
      await nextTick();
      const results = fitSpecification(
        { model_class: model.model_class, specification: model.specification as Parameters<typeof fitSpecification>[0]["specification"], options: model.options as ModelOptions | null },
        rows,
        ids,
      );
      await updateStatisticalModel(db, id, { ...results, status: "completed", progress: 1, error: null, computed_at: iso() });
    } catch (err) {
      const { message, unexpected } = failureMessage(err);
      if (unexpected) logError(`mvx control plane: background fit ${id} failed`, err);
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
