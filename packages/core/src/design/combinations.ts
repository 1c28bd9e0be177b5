// Turning runs (0-based level indices) into the experiment's combinations: ids c01, c02, ...
// in run order (zero-padded to at least two digits, more when there are 100 or more runs, so
// ids sort in run order), the variables' actual level values, and equal traffic 1/runs.

import type { Combination, DesignVariable } from "./types.js";

/** The id of run `index` (0-based) among `runs`: c01, c02, ..., c1024. */
export function combinationId(index: number, runs: number): string {
  return `c${String(index + 1).padStart(Math.max(2, String(runs).length), "0")}`;
}

/** Combinations of a design, in run order, with equal traffic. */
export function toCombinations(runs: readonly (readonly number[])[], variables: readonly DesignVariable[]): Combination[] {
  const share = 1 / runs.length;
  return runs.map((run, r) => ({
    combination_id: combinationId(r, runs.length),
    variable_values: Object.fromEntries(variables.map((v, i) => [v.name, v.levels[run[i]!]!])),
    traffic_allocation: share,
  }));
}
