// Resampling units of a nonparametric bootstrap: every row its own unit (case bootstrap) or the
// rows sharing a value of a cluster column (cluster bootstrap, Davison & Hinkley 1997, §3.8),
// and the seeded draw of G units with replacement that every bootstrap in mvx shares.

import { InvalidArgumentError } from "../../errors.js";
import type { Rng } from "../../random/rng.js";
import type { DataRows } from "../formula/model-frame.js";

/** Units as lists of row indices: the rows of unit g are members[offsets[g] .. offsets[g + 1]). */
export interface ResamplingUnits {
  readonly count: number;
  readonly offsets: Int32Array;
  readonly members: Int32Array;
  /** The cluster value of every unit (null for the case bootstrap). */
  readonly keys: readonly string[] | null;
}

/** Rows (no cluster) or clusters of rows in order of first appearance; a row without a cluster value is an error. */
export function resamplingUnits(rows: DataRows, cluster?: string): ResamplingUnits {
  const n = rows.length;
  if (cluster === undefined) {
    return { count: n, offsets: Int32Array.from({ length: n + 1 }, (_, i) => i), members: Int32Array.from({ length: n }, (_, i) => i), keys: null };
  }
  const byKey = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const v = rows[i]![cluster];
    if (v === null || v === undefined || v === "") throw new InvalidArgumentError(`a row has no value in the cluster column '${cluster}'`, "options.cluster");
    const key = String(v);
    let list = byKey.get(key);
    if (!list) {
      list = [];
      byKey.set(key, list);
    }
    list.push(i);
  }
  const offsets = new Int32Array(byKey.size + 1);
  const members = new Int32Array(n);
  let g = 0;
  let at = 0;
  for (const list of byKey.values()) {
    offsets[g++] = at;
    for (const i of list) members[at++] = i;
  }
  offsets[g] = at;
  return { count: byKey.size, offsets, members, keys: [...byKey.keys()] };
}

/** Draws G unit indices uniformly with replacement (one rng() call per draw, in order). */
export function drawUnits(rng: Rng, G: number, out: Int32Array): Int32Array {
  for (let g = 0; g < G; g++) out[g] = Math.floor(rng() * G);
  return out;
}

/** Units from integer codes 0..G-1 (e.g. the levels of a grouping factor), rows in order within each unit. */
export function unitsFromCodes(codes: Int32Array, G: number): ResamplingUnits {
  const n = codes.length;
  const offsets = new Int32Array(G + 1);
  for (let i = 0; i < n; i++) offsets[codes[i]! + 1]!++;
  for (let g = 0; g < G; g++) offsets[g + 1]! += offsets[g]!;
  const members = new Int32Array(n);
  const next = offsets.slice(0, G);
  for (let i = 0; i < n; i++) members[next[codes[i]!]!++] = i;
  return { count: G, offsets, members, keys: null };
}

/**
 * The rows of the drawn units, unit after unit in draw order, and for every gathered row the
 * position of its draw (a unit drawn twice appears twice, as two distinct resampled units).
 */
export function gatherUnits(units: ResamplingUnits, draws: ArrayLike<number>): { rows: Int32Array; draw: Int32Array } {
  let m = 0;
  for (let k = 0; k < draws.length; k++) m += units.offsets[draws[k]! + 1]! - units.offsets[draws[k]!]!;
  const rows = new Int32Array(m);
  const draw = new Int32Array(m);
  let at = 0;
  for (let k = 0; k < draws.length; k++) {
    const g = draws[k]!;
    for (let s = units.offsets[g]!; s < units.offsets[g + 1]!; s++) {
      rows[at] = units.members[s]!;
      draw[at++] = k;
    }
  }
  return { rows, draw };
}
