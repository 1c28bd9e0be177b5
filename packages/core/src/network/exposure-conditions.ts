// The two-by-two exposure mapping of Aronow & Samii (2017): own treatment (treated = any
// non-control arm) crossed with exposure (e_i >= threshold). Codes index EXPOSURE_CONDITIONS:
// 0 treated & exposed (d11), 1 treated & unexposed (d10), 2 control & exposed (d01),
// 3 control & unexposed, the "isolated control" (d00).

import { InvalidArgumentError } from "../errors.js";
import { createExposureWorkspace, EXPOSURE_TOLERANCE, exposureInto, type ExposureModel } from "./exposure-model.js";

/** The condition code of a node from its own treatment and its exposure. */
export function conditionCode(treated: boolean, exposure: number, threshold: number): number {
  const exposed = exposure >= threshold - EXPOSURE_TOLERANCE;
  return treated ? (exposed ? 0 : 1) : exposed ? 2 : 3;
}

/** Writes each node's condition code for the treatment indicators z and exposures e. */
export function conditionsInto(z: ArrayLike<number>, exposure: ArrayLike<number>, threshold: number, out: Uint8Array): Uint8Array {
  const t = threshold - EXPOSURE_TOLERANCE;
  for (let i = 0; i < out.length; i++) {
    const exposed = exposure[i]! >= t;
    out[i] = z[i]! === 1 ? (exposed ? 0 : 1) : exposed ? 2 : 3;
  }
  return out;
}

/**
 * Exposure and condition of every node under one assignment of clusters to arms (arm 0 is
 * control; any other arm counts as treated).
 */
export function exposureConditions(
  model: ExposureModel,
  clusterOf: Int32Array,
  clusterArms: Int32Array,
): { treated: Uint8Array; exposure: Float64Array; conditions: Uint8Array } {
  const n = model.graph.nodeCount;
  if (clusterOf.length !== n) throw new InvalidArgumentError(`clustering covers ${clusterOf.length} nodes, the graph has ${n}`, "clusters");
  const treated = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const arm = clusterArms[clusterOf[i]!];
    if (arm === undefined) throw new InvalidArgumentError(`node '${model.graph.nodeIds[i]}' is in a cluster without a treatment`, "clusters");
    treated[i] = arm !== 0 ? 1 : 0;
  }
  const exposure = exposureInto(model, treated, new Float64Array(n), createExposureWorkspace(model));
  const conditions = conditionsInto(treated, exposure, model.spillover.threshold, new Uint8Array(n));
  return { treated, exposure, conditions };
}
