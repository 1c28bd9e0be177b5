// Marginal and conditional R² of a linear mixed model (Nakagawa & Schielzeth 2013, Methods Ecol.
// Evol. 4:133–142), with Johnson's (2014, Methods Ecol. Evol. 5:944–946) extension to random
// slopes as MuMIn::r.squaredGLMM computes it: σ²_f = var(Xβ) (n − 1 denominator), σ²_r = Σ_t
// mean_i z_ti' Σ_t z_ti over the terms, σ²_e the residual variance;
// R²m = σ²_f / (σ²_f + σ²_r + σ²_e), R²c = (σ²_f + σ²_r) / (σ²_f + σ²_r + σ²_e).

export interface NakagawaInput {
  /** Fixed-effects linear predictor Xβ per observation. */
  readonly fixedPredictor: Float64Array;
  /** Per term: its per-row model-matrix columns and its covariance Σ_t (k x k row-major). */
  readonly terms: readonly { readonly z: readonly Float64Array[]; readonly covariance: Float64Array }[];
  readonly residualVariance: number;
}

/** R²m and R²c (MuMIn::r.squaredGLMM for a Gaussian lmer fit). */
export function nakagawaRSquared(input: NakagawaInput): { marginal: number; conditional: number } {
  const f = input.fixedPredictor;
  const n = f.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += f[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (f[i]! - mean) ** 2;
  const varF = n > 1 ? ss / (n - 1) : 0;
  let varR = 0;
  for (const t of input.terms) {
    const k = t.z.length;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < k; a++) {
        const za = t.z[a]![i]!;
        if (za === 0) continue;
        for (let b = 0; b < k; b++) total += za * t.covariance[a * k + b]! * t.z[b]![i]!;
      }
    }
    varR += total / n;
  }
  const denom = varF + varR + input.residualVariance;
  return { marginal: varF / denom, conditional: (varF + varR) / denom };
}
