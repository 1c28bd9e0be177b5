// Linear mixed models by (RE)ML as lme4's lmer(): θ minimises the profiled deviance
// (profiled-deviance.ts; Bates et al. 2015, JSS 67(1)) with a bounded Nelder–Mead (θ diagonal
// >= 0); then β, the conditional modes b = Λu (ranef), σ² = r²/(n − p) (REML) or r²/n (ML),
// vcov(β) = σ² (RX'RX)⁻¹ as lme4's vcov, variance components σ² Λ_t Λ_t', logLik / AIC / BIC as
// lme4 reports them (the REML criterion for REML fits; npar = p + length(θ) + 1), and
// Nakagawa–Schielzeth R². lme4 reports no p-values: here they are Wald tests against the
// standard normal by default (p_value_method "normal"), or Student t on n − p df
// ("residual-df"); Satterthwaite df (lmerTest) are not implemented.

import { InvalidArgumentError } from "../../errors.js";
import { coefficientTable, type CoefficientRow, type WaldReference } from "../inference/coefficient-table.js";
import { residualSummary, type ResidualSummary } from "../inference/residual-summary.js";
import type { DataRows } from "../formula/model-frame.js";
import type { DesignMatrix, MatrixEncoding } from "../formula/model-matrix.js";
import type { ModelFormula } from "../formula/model-formula.js";
import { numericResponse, prepareModelData } from "../formula/model-data.js";
import { householderQr } from "../linear/householder-qr.js";
import { choleskyInverse } from "../matrix/dense-cholesky.js";
import { boundedNelderMead } from "../optimize/bounded-nelder-mead.js";
import { newtonPolish } from "../optimize/newton-polish.js";
import { mixedCrossProducts } from "./mixed-cross-products.js";
import { nakagawaRSquared } from "./nakagawa-r-squared.js";
import { ProfiledDeviance } from "./profiled-deviance.js";
import { buildReStructure, lambdaBlock, type ReTerm } from "./random-effects-structure.js";

export type MixedPValueMethod = "normal" | "residual-df";

export interface LinearMixedModelOptions {
  /** REML (default, as lmer) or ML (`reml: false`, lmer's REML = FALSE). */
  readonly reml?: boolean;
  readonly level?: number;
  readonly pValueMethod?: MixedPValueMethod;
  readonly maxEvaluations?: number;
}

export interface VarianceComponent {
  readonly group: string;
  readonly term: string | null;
  readonly sd: number;
  readonly variance: number;
}

export interface RandomEffectCorrelation {
  readonly group: string;
  readonly term1: string;
  readonly term2: string;
  readonly corr: number;
}

export interface ConditionalMode {
  readonly group: string;
  readonly term: string;
  readonly level: string;
  readonly estimate: number;
}

export interface LinearMixedModelFit {
  readonly formula: string;
  readonly reml: boolean;
  readonly fixed_effects: CoefficientRow[];
  readonly p_value_method: MixedPValueMethod;
  readonly variance_components: VarianceComponent[];
  readonly correlations: RandomEffectCorrelation[];
  /** Conditional modes of the random effects (lme4: ranef()). */
  readonly random_effects: ConditionalMode[];
  readonly theta: number[];
  readonly sigma: number;
  readonly log_likelihood: number;
  readonly aic: number;
  readonly bic: number;
  /** REML criterion at convergence (REML fits) or the ML deviance −2 logLik (ML fits). */
  readonly criterion: number;
  /** Number of parameters: p + length(θ) + 1 (lme4: attr(logLik(m), "df")). */
  readonly df: number;
  readonly nobs: number;
  readonly ngroups: Record<string, number>;
  readonly r2_marginal: number;
  readonly r2_conditional: number;
  /** lme4's isSingular(): some θ diagonal (relative sd) below 1e-4. */
  readonly singular: boolean;
  readonly aliased: string[];
  readonly dropped_rows: number;
  readonly residual_analysis: ResidualSummary;
  readonly fitted: Float64Array;
  readonly residuals: Float64Array;
  readonly coefficients: Float64Array;
  readonly covariance: Float64Array[];
  readonly optimizer: { readonly evaluations: number; readonly restarts: number; readonly converged: boolean };
  /** Encoding of the full fixed-effects model matrix (columns not in fixed_effects were aliased). */
  readonly encoding: MatrixEncoding;
  readonly model: ModelFormula;
  /** The random-effects terms with their conditional modes b per level (for predictions). */
  readonly random_terms: readonly { readonly term: ReTerm; readonly modes: Float64Array }[];
}

function dropAliased(X: DesignMatrix): { X: DesignMatrix; aliased: string[] } {
  const qr = householderQr(X.columns);
  if (qr.rank === X.p) return { X, aliased: [] };
  const keep = qr.pivot.slice(0, qr.rank).sort((a, b) => a - b);
  const aliased = qr.pivot.slice(qr.rank).map((j) => X.columnNames[j]!);
  return {
    X: {
      n: X.n,
      p: keep.length,
      columns: keep.map((j) => X.columns[j]!),
      columnNames: keep.map((j) => X.columnNames[j]!),
      assign: keep.map((j) => X.assign[j]!),
    },
    aliased,
  };
}

/** Fits a linear mixed model (R: lme4::lmer(formula, data, REML)); see the module comment. */
export function fitLinearMixedModel(formula: string | ModelFormula, rows: DataRows, options: LinearMixedModelOptions = {}): LinearMixedModelFit {
  const reml = options.reml ?? true;
  const level = options.level ?? 0.95;
  const pValueMethod = options.pValueMethod ?? "normal";
  if (!(level > 0 && level < 1)) throw new InvalidArgumentError("level must be in (0, 1)", "options.level");
  const data = prepareModelData(formula, rows, { allowRandom: true });
  if (data.formula.random.length === 0) {
    throw new InvalidArgumentError("a mixed model needs at least one random-effects term such as (1 | group)", "specification.formula");
  }
  const y = numericResponse(data);
  const { X, aliased } = dropAliased(data.X);
  const n = X.n;
  const p = X.p;
  if (reml && n <= p) throw new InvalidArgumentError(`REML needs more observations (${n}) than fixed effects (${p})`, "rows");
  const re = buildReStructure(data.formula.random, data.frame);
  const cp = mixedCrossProducts(re, X, y);
  const pd = new ProfiledDeviance(cp, reml);
  const objective = (th: Float64Array) => pd.deviance(th);
  // Simplex to ~1e-10 relative in the deviance, then Newton steps on a finite-difference
  // quadratic model; when no Newton step is taken, a restarted simplex double-checks the optimum.
  const maxEvaluations = options.maxEvaluations ?? 20000;
  let nm = boundedNelderMead(objective, re.start, { lower: re.lower, maxEvaluations, ftolRel: 1e-10, maxRestarts: 0 });
  let polished = newtonPolish(objective, nm.x, nm.f, re.lower);
  let evaluations = nm.evaluations + polished.evaluations;
  let restarts = 0;
  if (polished.x.every((v, i) => v === nm.x[i])) {
    nm = boundedNelderMead(objective, nm.x, { lower: re.lower, maxEvaluations, ftolRel: 1e-12, maxRestarts: 1, step: 0.05 });
    polished = newtonPolish(objective, nm.x, nm.f, re.lower);
    evaluations += nm.evaluations + polished.evaluations;
    restarts = 1 + nm.restarts;
  }
  const opt = { evaluations, restarts, converged: nm.converged };
  const theta = polished.x;
  const sol = pd.solve(theta);

  // Random effects per term from the block / dense layout.
  const blockOf = new Map(cp.blockTerms.map((b) => [b.term, b.offset]));
  const denseOf = new Map(cp.denseTerms.map((d) => [d.term, d.offset]));
  const q1 = cp.m * cp.kb;
  const effectIndex = (t: ReTerm, lev: number, a: number): number => {
    const bo = blockOf.get(t);
    if (bo !== undefined) return lev * cp.kb + bo + a;
    return q1 + denseOf.get(t)! + lev * t.k + a;
  };

  // Fitted values and residuals; r² recomputed directly (more accurate than y'y − |cu|² − |cβ|²).
  const fixedPredictor = new Float64Array(n);
  for (let c = 0; c < p; c++) {
    const col = X.columns[c]!;
    const bc = sol.beta[c]!;
    for (let i = 0; i < n; i++) fixedPredictor[i]! += bc * col[i]!;
  }
  const fitted = Float64Array.from(fixedPredictor);
  for (const t of re.terms) {
    for (let i = 0; i < n; i++) {
      const lev = t.codes[i]!;
      let s = 0;
      for (let a = 0; a < t.k; a++) s += t.z[a]![i]! * sol.b[effectIndex(t, lev, a)]!;
      fitted[i]! += s;
    }
  }
  const residuals = new Float64Array(n);
  let rss = 0;
  for (let i = 0; i < n; i++) {
    residuals[i] = y[i]! - fitted[i]!;
    rss += residuals[i]! ** 2;
  }
  let uu = 0;
  for (let t = 0; t < sol.u.length; t++) uu += sol.u[t]! ** 2;
  const pwrss = rss + uu;
  const sigma2 = pwrss / (reml ? n - p : n);
  const sigma = Math.sqrt(sigma2);
  const criterion = reml
    ? sol.logDetL + sol.logDetRX + (n - p) * (1 + Math.log((2 * Math.PI * pwrss) / (n - p)))
    : sol.logDetL + n * (1 + Math.log((2 * Math.PI * pwrss) / n));

  // vcov(β) = σ² (RX'RX)^{-1}.
  const inv = choleskyInverse(sol.lx, p);
  const covariance = Array.from({ length: p }, (_, a) => Float64Array.from({ length: p }, (_, b) => sigma2 * inv[a * p + b]!));
  const se = Float64Array.from({ length: p }, (_, j) => Math.sqrt(covariance[j]![j]!));
  const ref: WaldReference = pValueMethod === "normal" ? { kind: "normal" } : { kind: "t", df: n - p };
  const fixed_effects = coefficientTable(X.columnNames, sol.beta, se, ref, level);

  // Variance components and correlations (lme4: as.data.frame(VarCorr(m))).
  const variance_components: VarianceComponent[] = [];
  const correlations: RandomEffectCorrelation[] = [];
  const termCovariances: { z: readonly Float64Array[]; covariance: Float64Array }[] = [];
  let singular = false;
  for (const t of re.terms) {
    const lam = lambdaBlock(t, theta);
    const k = t.k;
    const cov = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let s = 0;
        for (let c = 0; c <= Math.min(a, b); c++) s += lam[a * k + c]! * lam[b * k + c]!;
        cov[a * k + b] = sigma2 * s;
      }
      if (lam[a * k + a]! < 1e-4) singular = true;
    }
    termCovariances.push({ z: t.z, covariance: cov });
    for (let a = 0; a < k; a++) {
      const v = cov[a * k + a]!;
      variance_components.push({ group: t.group, term: t.columnNames[a]!, sd: Math.sqrt(v), variance: v });
    }
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        const denom = Math.sqrt(cov[a * k + a]! * cov[b * k + b]!);
        correlations.push({ group: t.group, term1: t.columnNames[a]!, term2: t.columnNames[b]!, corr: denom > 0 ? cov[a * k + b]! / denom : NaN });
      }
    }
  }
  variance_components.push({ group: "Residual", term: null, sd: sigma, variance: sigma2 });

  const random_effects: ConditionalMode[] = [];
  const ngroups: Record<string, number> = {};
  for (const t of re.terms) {
    ngroups[t.group] = t.levels.length;
    for (let lev = 0; lev < t.levels.length; lev++) {
      for (let a = 0; a < t.k; a++) {
        random_effects.push({ group: t.group, term: t.columnNames[a]!, level: t.levels[lev]!, estimate: sol.b[effectIndex(t, lev, a)]! });
      }
    }
  }

  const df = p + re.nTheta + 1;
  const log_likelihood = -criterion / 2;
  const r2 = nakagawaRSquared({ fixedPredictor, terms: termCovariances, residualVariance: sigma2 });
  const coefficients = Float64Array.from(sol.beta);
  return {
    formula: data.formula.source,
    reml,
    fixed_effects,
    p_value_method: pValueMethod,
    variance_components,
    correlations,
    random_effects,
    theta: [...theta],
    sigma,
    log_likelihood,
    aic: criterion + 2 * df,
    bic: criterion + Math.log(n) * df,
    criterion,
    df,
    nobs: n,
    ngroups,
    r2_marginal: r2.marginal,
    r2_conditional: r2.conditional,
    singular,
    aliased,
    dropped_rows: data.frame.dropped,
    residual_analysis: residualSummary(residuals),
    fitted,
    residuals,
    coefficients,
    covariance,
    optimizer: { evaluations: opt.evaluations, restarts: opt.restarts, converged: opt.converged },
    encoding: data.encoding,
    model: data.formula,
    random_terms: re.terms.map((t) => ({
      term: t,
      modes: Float64Array.from({ length: t.levels.length * t.k }, (_, i) => sol.b[effectIndex(t, Math.floor(i / t.k), i % t.k)]!),
    })),
  };
}
