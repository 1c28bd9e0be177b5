// The cluster (group) bootstrap of a linear mixed model: whole levels of one grouping factor
// (the first random term's, or options.cluster) are drawn with replacement, each draw becoming a
// new level, and the model is refitted by (RE)ML on the resampled groups; bootstrap standard
// errors, percentile and BCa intervals (jackknife over groups) are reported for the fixed
// effects, the random-effect standard deviations and correlations, and the residual sd. This is
// the nonparametric "case bootstrap at the top level" of Davison & Hinkley (1997, §3.8) and Field
// & Welsh (2007, JRSS B 69:369-390), which stays valid when the random effects are not normal;
// lme4's bootMer is the parametric bootstrap instead (new responses simulated from the fit).
// Grouping factors nested in the resampled one (each of their levels inside one of its groups)
// are relabelled per draw as well; crossed factors keep their levels. The model frame, model
// matrix and random-effects structure are built once; a replicate gathers its rows, forms the
// cross-products and minimises the profiled deviance warm-started at the full-data θ.
// When every random term is on the resampled factor, Z is block diagonal by its groups and a
// replicate is only a weighting of per-group sufficient statistics (group-block-deviance.ts):
// no pass over the rows, each deviance O(groups), with an analytic gradient, so θ is found by
// a bounded quasi-Newton method from the full-data θ and Hessian (bounded-bfgs.ts), the
// simplex of the row refit being the fallback; the jackknife drops one group's block.

import { ConvergenceError, InvalidArgumentError } from "../../errors.js";
import type { DesignMatrix } from "../formula/model-matrix.js";
import type { DataRows } from "../formula/model-frame.js";
import type { ModelFormula } from "../formula/model-formula.js";
import { numericResponse, prepareModelData } from "../formula/model-data.js";
import { householderQr } from "../linear/householder-qr.js";
import { choleskyInPlace } from "../matrix/dense-cholesky.js";
import { fitLinearMixedModel } from "../mixed/fit-linear-mixed-model.js";
import { GroupBlockDeviance, groupBlocks } from "../mixed/group-block-deviance.js";
import { boundedBfgs } from "../mixed/bounded-bfgs.js";
import { mixedCrossProducts } from "../mixed/mixed-cross-products.js";
import { ProfiledDeviance } from "../mixed/profiled-deviance.js";
import { buildReStructure, lambdaBlock, type ReStructure, type ReTerm } from "../mixed/random-effects-structure.js";
import { boundedNelderMead } from "../optimize/bounded-nelder-mead.js";
import { newtonPolish } from "../optimize/newton-polish.js";
import { bootstrapSettings, type BootstrapOptions } from "./bootstrap-coefficients.js";
import { summariseReplicates, type BootstrapRow } from "./bootstrap-summary.js";
import { drawUnits, gatherUnits, unitsFromCodes } from "./bootstrap-units.js";

export interface MixedBootstrapOptions extends BootstrapOptions {
  /** REML (default) or ML, as the fit being bootstrapped. */
  readonly reml?: boolean;
  /** Grouping factor whose levels are resampled, e.g. `Subject` (default: the first random term's; for `(1 | a/b)`, a). */
  readonly cluster?: string;
  /** Deviance evaluations allowed per refit (default 5000). */
  readonly maxEvaluations?: number;
  /**
   * "auto" (default): when every random term is on the resampled factor, a refit works from the
   * groups' sufficient statistics; "rows": always refit on the gathered rows.
   */
  readonly refit?: "auto" | "rows";
  /** Called with every refit's parameter vector (rows order): index 0..R-1 the replicates, R + g the jackknife without group g. */
  readonly onReplicate?: (index: number, values: Float64Array) => void;
}

/** One bootstrapped parameter, named as lme4's confint(oldNames = FALSE): `Days`, `sd_(Intercept)|Subject`, `cor_Days.(Intercept)|Subject`, `sigma`. */
export interface MixedBootstrapRow extends BootstrapRow {
  readonly kind: "fixed" | "sd" | "cor" | "sigma";
  /** Grouping factor of an sd or cor (null for fixed effects and sigma). */
  readonly group: string | null;
  /** The random-effect column of an sd, the two columns of a cor. */
  readonly columns: readonly string[];
}

export interface MixedBootstrapResult {
  readonly kind: "cluster";
  readonly method: "nonparametric cluster bootstrap of the groups of one grouping factor";
  readonly cluster: string;
  readonly reml: boolean;
  readonly replicates: number;
  /** Replicates whose refit failed or had an aliased fixed effect; left out of that parameter's summaries. */
  readonly failed_replicates: number;
  readonly resampling_units: number;
  readonly level: number;
  readonly rows: MixedBootstrapRow[];
}

interface Parameter {
  readonly term: string;
  readonly kind: MixedBootstrapRow["kind"];
  readonly group: string | null;
  readonly columns: readonly string[];
}

/** Fixed effects, then per random term its sds and correlations in θ order, then sigma. */
function parameters(fixed: readonly string[], re: ReStructure): Parameter[] {
  const out: Parameter[] = fixed.map((term) => ({ term, kind: "fixed", group: null, columns: [] }));
  for (const t of re.terms) {
    for (let c = 0; c < t.k; c++) {
      for (let r = c; r < t.k; r++) {
        const a = t.columnNames[r]!;
        const b = t.columnNames[c]!;
        out.push(r === c ? { term: `sd_${a}|${t.group}`, kind: "sd", group: t.group, columns: [a] } : { term: `cor_${a}.${b}|${t.group}`, kind: "cor", group: t.group, columns: [a, b] });
      }
    }
  }
  out.push({ term: "sigma", kind: "sigma", group: null, columns: [] });
  return out;
}

/** The parameter vector from β (by fixed column), θ and σ. */
function parameterValues(beta: ArrayLike<number>, theta: ArrayLike<number>, sigma: number, re: ReStructure, out: Float64Array): void {
  let at = 0;
  for (let j = 0; j < beta.length; j++) out[at++] = beta[j]!;
  for (const t of re.terms) {
    const k = t.k;
    const lam = lambdaBlock(t, theta);
    const cov = (a: number, b: number) => {
      let s = 0;
      for (let c = 0; c <= Math.min(a, b); c++) s += lam[a * k + c]! * lam[b * k + c]!;
      return sigma * sigma * s;
    };
    for (let c = 0; c < k; c++) {
      for (let r = c; r < k; r++) {
        if (r === c) out[at++] = Math.sqrt(cov(r, r));
        else {
          const d = Math.sqrt(cov(r, r) * cov(c, c));
          out[at++] = d > 0 ? cov(r, c) / d : NaN;
        }
      }
    }
  }
  out[at] = sigma;
}

/** The bounded simplex from the full fit's theta, then the Newton polish (the fit's own optimiser); null if it fails to converge. */
function simplexRefit(objective: (th: Float64Array) => number, thetaHat: Float64Array, lower: ArrayLike<number>, maxEvaluations: number): Float64Array | null {
  try {
    const nm = boundedNelderMead(objective, thetaHat, { lower, maxEvaluations, ftolRel: 1e-10, maxRestarts: 0 });
    return newtonPolish(objective, nm.x, nm.f, lower).x;
  } catch (err) {
    if (err instanceof ConvergenceError) return null;
    throw err;
  }
}

/**
 * Cluster bootstrap of lmer's fixed effects and variance components over the groups of one
 * grouping factor (resampling as boot::boot over groups with lmer refits; boot.ci(type =
 * c("perc", "bca")) with the jackknife over groups). Estimates are lmer's on the full data.
 */
export function bootstrapLinearMixedModel(formula: string | ModelFormula, rows: DataRows, options: MixedBootstrapOptions): MixedBootstrapResult {
  const { R, level } = bootstrapSettings(options);
  const reml = options.reml ?? true;
  const maxEvaluations = options.maxEvaluations ?? 5000;
  const full = fitLinearMixedModel(formula, rows, { reml });
  const data = prepareModelData(formula, rows, { allowRandom: true });
  const y = numericResponse(data);
  const fixedTerms = full.fixed_effects.map((r) => r.term);
  const X = data.X.columns.filter((_, j) => fixedTerms.includes(data.X.columnNames[j]!));
  const p = X.length;
  const n = data.frame.n;
  const re = buildReStructure(data.formula.random, data.frame);
  const groups = [...new Set(re.terms.map((t) => t.group))];
  // Default: the first bar's grouping factor; for a nesting (1 | a/b) its outermost factor a
  // (lme4 expands the bar innermost first, so the last term of that bar).
  const firstBar = data.formula.random.filter((r) => r.position === data.formula.random[0]!.position);
  const cluster = options.cluster ?? firstBar[firstBar.length - 1]!.group;
  const resampled = re.terms.find((t) => t.group === cluster);
  if (!resampled) {
    throw new InvalidArgumentError(`options.cluster '${cluster}' is not a grouping factor of the formula (grouping factors: ${groups.join(", ")})`, "options.cluster");
  }
  const G = resampled.levels.length;
  if (G < 3) throw new InvalidArgumentError(`the cluster bootstrap needs at least 3 groups of '${cluster}' (has ${G})`, "options.cluster");
  const units = unitsFromCodes(resampled.codes, G);
  // A term's factor is nested in the resampled one when each of its levels lies in one group.
  const nested = re.terms.map((t) => {
    if (t.group === cluster) return true;
    const home = new Int32Array(t.levels.length).fill(-1);
    for (let i = 0; i < n; i++) {
      const l = t.codes[i]!;
      const c = resampled.codes[i]!;
      if (home[l] === -1) home[l] = c;
      else if (home[l] !== c) return false;
    }
    return true;
  });

  const params = parameters(fixedTerms, re);
  const np = params.length;
  const thetaHat = Float64Array.from(full.theta);
  const estimate = new Float64Array(np);
  parameterValues(full.coefficients, thetaHat, full.sigma, re, estimate);

  /** Refits on the rows of the drawn groups, in draw order; the parameter vector (NaN when the refit fails). */
  const refit = (draws: ArrayLike<number>, out: Float64Array): boolean => {
    out.fill(NaN);
    const { rows: idx, draw: drawOf } = gatherUnits(units, draws);
    const m = idx.length;
    const terms: ReTerm[] = re.terms.map((t, ti) => {
      const z = t.z.map((col) => Float64Array.from(idx, (i) => col[i]!));
      if (!nested[ti]) return { ...t, z, codes: Int32Array.from(idx, (i) => t.codes[i]!) };
      const key = new Map<number, number>();
      const codes = new Int32Array(m);
      for (let r = 0; r < m; r++) {
        const kk = drawOf[r]! * t.levels.length + t.codes[idx[r]!]!;
        let c = key.get(kk);
        if (c === undefined) {
          c = key.size;
          key.set(kk, c);
        }
        codes[r] = c;
      }
      return { ...t, z, codes, levels: Array.from({ length: key.size }, (_, c) => String(c)) };
    });
    const cols = X.map((col) => Float64Array.from(idx, (i) => col[i]!));
    const yr = Float64Array.from(idx, (i) => y[i]!);
    // A fixed-effect column aliased in the resample is dropped (NaN), as lmer drops it.
    const qr = householderQr(cols);
    const keep = qr.rank === p ? [...Array(p).keys()] : qr.pivot.slice(0, qr.rank).sort((a, b) => a - b);
    const pr = keep.length;
    if (reml ? m <= pr : m < 1) return false;
    const design: DesignMatrix = { n: m, p: pr, columns: keep.map((j) => cols[j]!), columnNames: keep.map((j) => fixedTerms[j]!), assign: keep.map(() => 0) };
    const cp = mixedCrossProducts({ ...re, terms }, design, yr);
    const pd = new ProfiledDeviance(cp, reml);
    const objective = (th: Float64Array) => pd.deviance(th);
    const theta = simplexRefit(objective, thetaHat, re.lower, maxEvaluations);
    if (!theta) return false;
    const sol = pd.solve(theta);
    if (!Number.isFinite(sol.deviance)) return false;
    const sigma = Math.sqrt(sol.pwrss / (reml ? m - pr : m));
    const beta = new Float64Array(p).fill(NaN);
    keep.forEach((j, c) => (beta[j] = sol.beta[c]!));
    parameterValues(beta, theta, sigma, re, out);
    return pr === p;
  };

  // One grouping factor, the resampled one: a replicate is a weighting of the groups' blocks
  // (a group drawn c times has weight c), so its deviance needs no pass over the rows
  // (group-block-deviance.ts). Replicates whose fixed effects may be aliased take the row path.
  const single = (options.refit ?? "auto") === "auto" && re.terms.every((t) => t.group === cluster);
  const blockDeviance = single
    ? new GroupBlockDeviance(groupBlocks(re, { n, p, columns: X, columnNames: fixedTerms, assign: fixedTerms.map(() => 0) }, y), re, reml)
    : null;
  const weights = new Float64Array(G);
  const diagonals = [...re.lower.keys()].filter((i) => re.lower[i] === 0);
  let hessianHat: Float64Array | null = null;
  if (blockDeviance) {
    blockDeviance.setWeights(new Float64Array(G).fill(1));
    hessianHat = blockDeviance.hessian(thetaHat);
  }
  const xtxScaled = new Float64Array(p * p);
  /** Refits on the groups weighted by `weights`; null when the fixed effects may be aliased. */
  const refitWeighted = (bd: GroupBlockDeviance, out: Float64Array): boolean | null => {
    bd.setWeights(weights);
    // Cholesky of X'X scaled to unit diagonal: a pivot below 1e-5 is near QR's aliasing tolerance (1e-7 of a column's norm).
    const xtx = bd.crossProducts;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) xtxScaled[a * p + b] = xtx[a * p + b]! / Math.sqrt(xtx[a * p + a]! * xtx[b * p + b]!);
    if (!choleskyInPlace(xtxScaled, p)) return null;
    for (let a = 0; a < p; a++) if (!(xtxScaled[a * p + a]! > 1e-5)) return null;
    out.fill(NaN);
    const m = bd.n;
    if (reml ? m <= p : m < 1) return false;
    const objective = (th: Float64Array) => bd.deviance(th);
    // Quasi-Newton from the full-data θ and Hessian (bounds by an active set); the bounded simplex
    // and Newton polish of the full fit when it fails.
    let theta: Float64Array | null = null;
    if (hessianHat) {
      const qn = boundedBfgs((th, grad) => bd.gradient(th, grad), thetaHat, hessianHat, re.lower);
      // On a bound the gradient of a zero column of Λ vanishes, so a point there may not be a
      // minimum: probe inwards, and leave it to the simplex if the deviance drops.
      const descends = (i: number) => [1e-4, 1e-2].some((step) => objective(qn.x.map((v, j) => (j === i ? v + step : v))) < qn.f);
      if (qn.converged && !diagonals.some((i) => qn.x[i] === re.lower[i] && descends(i))) theta = qn.x;
    }
    theta ??= simplexRefit(objective, thetaHat, re.lower, maxEvaluations);
    if (!theta) return false;
    const sol = bd.solve(theta);
    if (!Number.isFinite(sol.deviance)) return false;
    const sigma = Math.sqrt(sol.pwrss / (reml ? m - p : m));
    parameterValues(sol.beta, theta, sigma, re, out);
    return true;
  };
  const resample = (draws: ArrayLike<number>, out: Float64Array): boolean => {
    if (blockDeviance) {
      weights.fill(0);
      for (let k = 0; k < draws.length; k++) weights[draws[k]!]!++;
      const ok = refitWeighted(blockDeviance, out);
      if (ok !== null) return ok;
    }
    return refit(draws, out);
  };

  const total = R + G;
  const reps = Array.from({ length: np }, () => new Float64Array(R));
  const draws = new Int32Array(G);
  const est = new Float64Array(np);
  let failed = 0;
  for (let b = 0; b < R; b++) {
    drawUnits(options.rng, G, draws);
    const ok = resample(draws, est);
    options.onReplicate?.(b, Float64Array.from(est));
    let finite = ok;
    for (let j = 0; j < np; j++) {
      reps[j]![b] = est[j]!;
      if (!Number.isFinite(est[j]!) && params[j]!.kind !== "cor") finite = false;
    }
    if (!finite) failed++;
    options.onProgress?.((b + 1) / total);
  }
  const jack = Array.from({ length: np }, () => new Float64Array(G));
  const others = new Int32Array(G - 1);
  for (let g = 0; g < G; g++) {
    for (let h = 0, k = 0; h < G; h++) if (h !== g) others[k++] = h;
    resample(others, est);
    options.onReplicate?.(R + g, Float64Array.from(est));
    for (let j = 0; j < np; j++) jack[j]![g] = est[j]!;
    options.onProgress?.((R + g + 1) / total);
  }
  const out: MixedBootstrapRow[] = params.map((par, j) => ({
    ...summariseReplicates(par.term, estimate[j]!, reps[j]!, jack[j]!, level),
    kind: par.kind,
    group: par.group,
    columns: par.columns,
  }));
  return {
    kind: "cluster",
    method: "nonparametric cluster bootstrap of the groups of one grouping factor",
    cluster,
    reml,
    replicates: R,
    failed_replicates: failed,
    resampling_units: G,
    level,
    rows: out,
  };
}
