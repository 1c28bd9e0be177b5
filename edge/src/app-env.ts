// Hono typing of the edge app (bindings and per-request variables) and the Durable Object lookup
// shared by the routes: one ExperimentState per experiment, addressed by its id; a sharded
// experiment's units go to `<experiment_id>#<k>` (docs/sync-protocol.md, "Bandits").

import { hashToUnit } from "@mvx/core/edge";
import type { Env, Secrets } from "./env.js";
import type { ShardRouting } from "./state/types.js";

export interface AppEnv {
  Bindings: Env;
  Variables: { secrets: Secrets };
}

type Stub = DurableObjectStub<import("./state/experiment-state.js").ExperimentState>;

/** The stub of the experiment's (base) Durable Object. */
export function experimentStub(env: Env, experimentId: string): Stub {
  return env.EXPERIMENTS.get(env.EXPERIMENTS.idFromName(experimentId));
}

/** The name of shard k of an experiment. */
export function shardName(experimentId: string, k: number): string {
  return `${experimentId}#${k}`;
}

/** The stub of shard k of an experiment. */
export function shardStub(env: Env, experimentId: string, k: number): Stub {
  return env.EXPERIMENTS.get(env.EXPERIMENTS.idFromName(shardName(experimentId, k)));
}

/** The shard of a unit: k = floor(hashToUnit(salt, unit_id, hash_version) * shards). */
export function shardOf(routing: ShardRouting, unitId: string): number {
  return Math.min(routing.shards - 1, Math.floor(hashToUnit(routing.salt, unitId, routing.hash_version) * routing.shards));
}

/** How long an isolate trusts a base object's routing answer before asking it again. */
export const ROUTING_TTL_MS = 10_000;
const routingCache = new Map<string, { routing: ShardRouting; until: number }>();

/** The cached routing of a sharded experiment (null when unknown or stale: ask its base object). */
export function cachedRouting(experimentId: string): ShardRouting | null {
  const hit = routingCache.get(experimentId);
  if (hit === undefined || hit.until < Date.now()) return null;
  return hit.routing;
}

/** Remembers the routing a base object answered with. */
export function rememberRouting(experimentId: string, routing: ShardRouting): void {
  routingCache.set(experimentId, { routing, until: Date.now() + ROUTING_TTL_MS });
}

/** Forgets a routing (after a push changed it). */
export function forgetRouting(experimentId: string): void {
  routingCache.delete(experimentId);
}
