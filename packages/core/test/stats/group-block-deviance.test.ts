// The profiled deviance from weighted per-group sufficient statistics (one grouping factor)
// against the row-based profiled deviance on the gathered rows of the same groups, each copy of
// a group its own level: the deviance and β to rounding, the analytic gradient against central
// differences, and the quasi-Newton optimum from the full-data θ and Hessian against the
// bounded simplex + Newton polish on the rows (on sleepstudy and on 1,000 synthetic groups).
import { describe, expect, it } from "vitest";
import { createRng, normalDraw } from "../../src/random/rng.js";
import { drawUnits, gatherUnits, unitsFromCodes } from "../../src/stats/bootstrap/bootstrap-units.js";
import type { DesignMatrix } from "../../src/stats/formula/model-matrix.js";
import { numericResponse, prepareModelData } from "../../src/stats/formula/model-data.js";
import { fitLinearMixedModel } from "../../src/stats/mixed/fit-linear-mixed-model.js";
import { GroupBlockDeviance, groupBlocks } from "../../src/stats/mixed/group-block-deviance.js";
import { boundedBfgs } from "../../src/stats/mixed/bounded-bfgs.js";
import { mixedCrossProducts } from "../../src/stats/mixed/mixed-cross-products.js";
import { ProfiledDeviance } from "../../src/stats/mixed/profiled-deviance.js";
import { buildReStructure, type ReStructure, type ReTerm } from "../../src/stats/mixed/random-effects-structure.js";
import { boundedNelderMead } from "../../src/stats/optimize/bounded-nelder-mead.js";
import { newtonPolish } from "../../src/stats/optimize/newton-polish.js";
import { readCsv, relErr } from "./helpers/fixtures.js";

type Rows = readonly Readonly<Record<string, unknown>>[];

function setup(formula: string, rows: Rows) {
  const data = prepareModelData(formula, rows, { allowRandom: true });
  const y = numericResponse(data);
  const re = buildReStructure(data.formula.random, data.frame);
  const G = re.terms[0]!.levels.length;
  return { data, X: data.X, y, re, G, units: unitsFromCodes(re.terms[0]!.codes, G) };
}

/** The row-based deviance on the drawn groups' rows, every draw a level of its own. */
function rowDeviance(s: ReturnType<typeof setup>, draws: Int32Array, reml: boolean): ProfiledDeviance {
  const { rows: idx, draw } = gatherUnits(s.units, draws);
  const terms: ReTerm[] = s.re.terms.map((t) => ({
    ...t,
    z: t.z.map((col) => Float64Array.from(idx, (i) => col[i]!)),
    codes: Int32Array.from(draw),
    levels: Array.from(draws, (_, k) => String(k)),
  }));
  const X: DesignMatrix = { ...s.X, n: idx.length, columns: s.X.columns.map((col) => Float64Array.from(idx, (i) => col[i]!)) };
  const re: ReStructure = { ...s.re, terms };
  return new ProfiledDeviance(mixedCrossProducts(re, X, Float64Array.from(idx, (i) => s.y[i]!)), reml);
}

const countsOf = (draws: Int32Array, G: number) => {
  const w = new Float64Array(G);
  for (const g of draws) w[g]!++;
  return w;
};

describe("profiled deviance from weighted group blocks", () => {
  const sleep = readCsv("sleepstudy.csv");
  for (const formula of ["Reaction ~ Days + (Days | Subject)", "Reaction ~ Days + (Days || Subject)", "Reaction ~ Days + (1 | Subject)"]) {
    for (const reml of [true, false]) {
      it(`${formula}, ${reml ? "REML" : "ML"}: deviance and β as on the gathered rows; gradient as central differences`, () => {
        const s = setup(formula, sleep);
        const bd = new GroupBlockDeviance(groupBlocks(s.re, s.X, s.y), s.re, reml);
        const rng = createRng(4);
        const draws = new Int32Array(s.G);
        for (let rep = 0; rep < 3; rep++) {
          drawUnits(rng, s.G, draws);
          bd.setWeights(countsOf(draws, s.G));
          const pd = rowDeviance(s, draws, reml);
          for (const scale of [0.3, 1, 2]) {
            const theta = Float64Array.from(s.re.start, (v, i) => (v === 1 ? scale * (0.5 + 0.2 * i) : -0.05 * scale));
            const a = bd.solve(theta);
            const b = pd.solve(theta);
            expect(relErr(a.deviance, b.deviance)).toBeLessThanOrEqual(1e-11);
            expect(relErr(a.pwrss, b.pwrss)).toBeLessThanOrEqual(1e-9);
            a.beta.forEach((v, j) => expect(relErr(v, b.beta[j]!)).toBeLessThanOrEqual(1e-9));
            const grad = new Float64Array(theta.length);
            bd.gradient(theta, grad);
            theta.forEach((_, i) => {
              const h = 1e-6;
              const up = Float64Array.from(theta);
              const dn = Float64Array.from(theta);
              up[i]! += h;
              dn[i]! -= h;
              const fd = (bd.deviance(up) - bd.deviance(dn)) / (2 * h);
              expect(Math.abs(grad[i]! - fd)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(fd)));
            });
          }
        }
      });
    }
  }

  it("1,000 synthetic groups, (x | g): quasi-Newton optima on the blocks equal simplex + polish on the rows", () => {
    const G = 1000;
    const rng = createRng(12);
    const b0 = Array.from({ length: G }, () => 5 * normalDraw(rng));
    const b1 = Array.from({ length: G }, () => normalDraw(rng));
    const rows = Array.from({ length: 10 * G }, (_, i) => {
      const g = i % G;
      const x = normalDraw(rng);
      return { y: 10 + 2 * x + b0[g]! + b1[g]! * x + 3 * normalDraw(rng), x, g: `g${g}` };
    });
    const formula = "y ~ x + (x | g)";
    const s = setup(formula, rows);
    const full = fitLinearMixedModel(formula, rows);
    const thetaHat = Float64Array.from(full.theta);
    const bd = new GroupBlockDeviance(groupBlocks(s.re, s.X, s.y), s.re, true);
    bd.setWeights(new Float64Array(G).fill(1));
    const hessian = bd.hessian(thetaHat)!;
    expect(hessian).not.toBeNull();
    const draws = new Int32Array(G);
    for (let rep = 0; rep < 3; rep++) {
      drawUnits(rng, G, draws);
      bd.setWeights(countsOf(draws, G));
      const qn = boundedBfgs((th, grad) => bd.gradient(th, grad), thetaHat, hessian, s.re.lower);
      expect(qn.converged).toBe(true);
      const pd = rowDeviance(s, draws, true);
      const objective = (th: Float64Array) => pd.deviance(th);
      const nm = boundedNelderMead(objective, thetaHat, { lower: s.re.lower, ftolRel: 1e-10, maxRestarts: 0 });
      const theta = newtonPolish(objective, nm.x, nm.f, s.re.lower).x;
      qn.x.forEach((v, i) => expect(Math.abs(v - theta[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(theta[i]!))));
      const a = bd.solve(qn.x);
      const b = pd.solve(theta);
      expect(a.deviance).toBeLessThanOrEqual(b.deviance + 1e-9 * Math.abs(b.deviance));
      a.beta.forEach((v, j) => expect(relErr(v, b.beta[j]!)).toBeLessThanOrEqual(1e-6));
      expect(relErr(a.pwrss, b.pwrss)).toBeLessThanOrEqual(1e-6);
    }
  }, 60_000);
});
