// Hono typing of the edge app (bindings and per-request variables) and the Durable Object lookup
// shared by the routes: one ExperimentState per experiment, addressed by its id.

import type { Env, Secrets } from "./env.js";

export interface AppEnv {
  Bindings: Env;
  Variables: { secrets: Secrets };
}

/** The stub of the experiment's Durable Object. */
export function experimentStub(env: Env, experimentId: string): DurableObjectStub<import("./state/experiment-state.js").ExperimentState> {
  return env.EXPERIMENTS.get(env.EXPERIMENTS.idFromName(experimentId));
}
