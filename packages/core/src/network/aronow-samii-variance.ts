// The conservative variance estimator of Aronow & Samii (2017) for a contrast of two exposure
// conditions, with first- and second-order exposure probabilities counted from the replay
// bitsets of estimateExposureProbabilities. Pairs with zero joint probability are bounded by
// Young's inequality (their eq. 9-11), which makes the estimator conservative. For the Hájek
// estimator the same formula is applied to residuals from the condition means (their sec. 6,
// linearisation), which keeps the Young terms small. Cost O((n_k + n_l) * N * R / 32).

/** Bits set in a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

function jointCount(a: Uint32Array, i: number, b: Uint32Array, j: number, words: number): number {
  let c = 0;
  const oi = i * words;
  const oj = j * words;
  for (let w = 0; w < words; w++) c += popcount(a[oi + w]! & b[oj + w]!);
  return c;
}

export interface AronowSamiiInput {
  /** Analysis set: nodes with an outcome and positive probability of both conditions. */
  readonly nodes: Int32Array;
  /** Observed condition code per node (graph-sized). */
  readonly conditions: Uint8Array;
  /** Values entering the HT totals per node: outcomes (HT) or residuals (Hájek). */
  readonly values: Float64Array;
  readonly k: number;
  readonly l: number;
  readonly probabilities: readonly Float64Array[];
  readonly indicators: readonly Uint32Array[];
  readonly words: number;
  readonly replays: number;
}

/**
 * Aronow & Samii (2017, "Estimating average causal effects under general interference, with
 * application to a social network experiment", Ann. Appl. Stat. 11(4), eqs. 9-11) conservative
 * estimate of Var[(Y_T(d_k) - Y_T(d_l)) / N]: (V[Y_T(d_k)] + V[Y_T(d_l)] - 2 Cov) / N^2.
 */
export function aronowSamiiVariance(input: AronowSamiiInput): number {
  const { nodes, conditions, values: y, k, l, probabilities, indicators, words, replays } = input;
  const N = nodes.length;
  const inv = 1 / replays;
  const pk = probabilities[k]!;
  const pl = probabilities[l]!;
  const Bk = indicators[k]!;
  const Bl = indicators[l]!;

  const varianceOfTotal = (c: number, p: Float64Array, B: Uint32Array): number => {
    let v = 0;
    for (let a = 0; a < N; a++) {
      const i = nodes[a]!;
      if (conditions[i] !== c) continue;
      const pi = p[i]!;
      const yi = y[i]! / pi;
      v += (1 - pi) * yi * yi;
      let zeros = 0;
      for (let b = 0; b < N; b++) {
        const j = nodes[b]!;
        if (j === i) continue;
        const cnt = jointCount(B, i, B, j, words);
        if (cnt === 0) zeros++;
        else if (conditions[j] === c) {
          const pij = cnt * inv;
          const pj = p[j]!;
          v += ((pij - pi * pj) / pij) * yi * (y[j]! / pj);
        }
      }
      v += (zeros * y[i]! * y[i]!) / pi;
    }
    return v;
  };

  let cov = 0;
  for (let a = 0; a < N; a++) {
    const i = nodes[a]!;
    if (conditions[i] !== k) continue;
    const pi = pk[i]!;
    let zeros = 0;
    for (let b = 0; b < N; b++) {
      const j = nodes[b]!;
      const cnt = jointCount(Bk, i, Bl, j, words);
      if (cnt === 0) zeros++;
      else if (conditions[j] === l) {
        const pij = cnt * inv;
        const pj = pl[j]!;
        cov += ((pij - pi * pj) / pij) * (y[i]! / pi) * (y[j]! / pj);
      }
    }
    cov -= (zeros * y[i]! * y[i]!) / (2 * pi);
  }
  for (let b = 0; b < N; b++) {
    const j = nodes[b]!;
    if (conditions[j] !== l) continue;
    let zeros = 0;
    for (let a = 0; a < N; a++) if (jointCount(Bk, nodes[a]!, Bl, j, words) === 0) zeros++;
    cov -= (zeros * y[j]! * y[j]!) / (2 * pl[j]!);
  }
  return (varianceOfTotal(k, pk, Bk) + varianceOfTotal(l, pl, Bl) - 2 * cov) / (N * N);
}
