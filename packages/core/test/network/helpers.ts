// Test helpers for the network suite: partition-agreement metrics (implemented here, from their
// definitions), and a dense reference implementation of the exposure mapping.
import type { NetworkGraph } from "../../src/network/index.js";

function contingency(a: ArrayLike<number>, b: ArrayLike<number>) {
  const table = new Map<string, number>();
  const ra = new Map<number, number>();
  const rb = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const key = `${a[i]},${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    ra.set(a[i]!, (ra.get(a[i]!) ?? 0) + 1);
    rb.set(b[i]!, (rb.get(b[i]!) ?? 0) + 1);
  }
  return { table, ra, rb, n: a.length };
}

const choose2 = (x: number) => (x * (x - 1)) / 2;

/** Adjusted Rand index (Hubert & Arabie 1985, "Comparing partitions", J. Classification 2). */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { table, ra, rb, n } = contingency(a, b);
  let index = 0;
  for (const v of table.values()) index += choose2(v);
  let sa = 0;
  for (const v of ra.values()) sa += choose2(v);
  let sb = 0;
  for (const v of rb.values()) sb += choose2(v);
  const expected = (sa * sb) / choose2(n);
  const max = (sa + sb) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

/** Normalised mutual information, arithmetic-mean normalisation (Danon et al. 2005, J. Stat. Mech. P09008). */
export function normalizedMutualInformation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { table, ra, rb, n } = contingency(a, b);
  let mi = 0;
  for (const [key, v] of table) {
    const [x, y] = key.split(",").map(Number);
    mi += (v / n) * Math.log((v * n) / (ra.get(x!)! * rb.get(y!)!));
  }
  const h = (m: Map<number, number>) => {
    let s = 0;
    for (const v of m.values()) s -= (v / n) * Math.log(v / n);
    return s;
  };
  const ha = h(ra);
  const hb = h(rb);
  return ha + hb === 0 ? 1 : (2 * mi) / (ha + hb);
}

/** Dense row-stochastic transition matrix of the graph (rows of isolated nodes are zero). */
export function denseTransition(g: NetworkGraph): number[][] {
  const n = g.nodeCount;
  const P = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let p = g.offsets[i]!; p < g.offsets[i + 1]!; p++) P[i]![g.neighbors[p]!] = g.weights[p]! / g.strength[i]!;
  }
  return P;
}

function multiply(A: number[][], B: number[][]): number[][] {
  const n = A.length;
  const C = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) if (A[i]![k]) for (let j = 0; j < n; j++) C[i]![j]! += A[i]![k]! * B[k]![j]!;
  return C;
}

/**
 * The exposure definition computed literally with dense matrix powers: e_i = sum_h c_h s_h(i) /
 * sum_h c_h over valid hops, s_h(i) = sum_{j != i} (P^h)_ij z_j / (1 - (P^h)_ii).
 */
export function referenceExposure(g: NetworkGraph, z: ArrayLike<number>, decay: number, hops: number): number[] {
  const P = denseTransition(g);
  const powers = [P];
  for (let h = 1; h < hops; h++) powers.push(multiply(powers[h - 1]!, P));
  const n = g.nodeCount;
  return Array.from({ length: n }, (_, i) => {
    if (!(g.strength[i]! > 0)) return 0;
    let num = 0;
    let den = 0;
    for (let h = 0; h < hops; h++) {
      const Ph = powers[h]!;
      const back = Ph[i]![i]!;
      if (1 - back <= 1e-12) continue;
      let s = 0;
      for (let j = 0; j < n; j++) if (j !== i) s += Ph[i]![j]! * z[j]!;
      num += decay ** h * (s / (1 - back));
      den += decay ** h;
    }
    return den > 0 ? num / den : 0;
  });
}
