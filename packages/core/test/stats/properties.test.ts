// Property tests (fast-check, seeded): invariants that hold for any data rather than reference
// values — least-squares residuals orthogonal to the model matrix, mixed-model fits invariant to
// row order, formula expansion idempotent, the bounded simplex respecting its bounds.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng, normalDraw } from "../../src/random/rng.js";
import { parseModelFormula } from "../../src/stats/formula/model-formula.js";
import { fitLinearModel } from "../../src/stats/linear/fit-linear-model.js";
import { fitLinearMixedModel } from "../../src/stats/mixed/fit-linear-mixed-model.js";
import { boundedNelderMead } from "../../src/stats/optimize/bounded-nelder-mead.js";
import { readCsv, relErr } from "./helpers/fixtures.js";

const params = { seed: 20240601, numRuns: 40 };

describe("properties", () => {
  it("lm residuals are orthogonal to every model-matrix column (X'r = 0)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 60 }), fc.integer(), (n, seed) => {
        const rng = createRng(seed);
        const rows = Array.from({ length: n }, (_, i) => ({ y: normalDraw(rng) * 3 + i * 0.1, x: normalDraw(rng), g: ["a", "b", "c"][i % 3]! }));
        const fit = fitLinearModel("y ~ x * g + I(x^2)", rows);
        const cols = [rows.map(() => 1), rows.map((r) => r.x)];
        for (const col of cols) {
          const dot = col.reduce((s, v, i) => s + v * fit.residuals[i]!, 0);
          expect(Math.abs(dot)).toBeLessThanOrEqual(1e-9 * n);
        }
      }),
      params,
    );
  });

  it("lmer fits do not depend on row order", () => {
    const sleep = readCsv("sleepstudy.csv");
    const base = fitLinearMixedModel("Reaction ~ Days + (Days | Subject)", sleep);
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = createRng(seed);
        const shuffled = [...sleep];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = Math.floor(rng() * (i + 1));
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const fit = fitLinearMixedModel("Reaction ~ Days + (Days | Subject)", shuffled);
        fit.fixed_effects.forEach((r, i) => expect(relErr(r.estimate, base.fixed_effects[i]!.estimate)).toBeLessThanOrEqual(1e-10));
        expect(relErr(fit.log_likelihood, base.log_likelihood)).toBeLessThanOrEqual(1e-10);
        fit.variance_components.forEach((v, i) => expect(relErr(v.variance, base.variance_components[i]!.variance)).toBeLessThanOrEqual(1e-4));
      }),
      { seed: 7, numRuns: 5 },
    );
  });

  it("term expansion is idempotent: re-parsing the expanded labels gives the same terms (as variable sets)", () => {
    // Labels themselves may reorder (R orders a term's variables by first appearance in the formula).
    const canon = (src: string) =>
      parseModelFormula(src)
        .fixed.terms.map((t) => t.label.split(":").sort().join(":"))
        .sort();
    const atom = fc.constantFrom("a", "b", "c", "log(x)", "I(x^2)", "factor(k)");
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        atom,
        fc.tuple(tie("e"), fc.constantFrom(" + ", " * ", ":", " / "), tie("e")).map(([l, op, r]) => `(${l}${op}${r})`),
      ),
    })).e;
    fc.assert(
      fc.property(expr, (rhs) => {
        const first = parseModelFormula(`y ~ ${rhs}`).fixed.terms.map((t) => t.label);
        expect(canon(`y ~ ${first.join(" + ")}`)).toEqual(canon(`y ~ ${rhs}`));
      }),
      params,
    );
  });

  it("bounded Nelder-Mead finds the constrained minimum of a shifted quadratic", () => {
    fc.assert(
      fc.property(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), (cx, cy) => {
        const f = (v: Float64Array) => (v[0]! - cx) ** 2 + 10 * (v[1]! - cy) ** 2 + 0.5 * (v[0]! - cx) * (v[1]! - cy);
        const res = boundedNelderMead(f, [1, 1], { lower: [0, -Infinity] });
        expect(res.x[0]!).toBeGreaterThanOrEqual(0);
        if (cx >= 0) {
          expect(Math.abs(res.x[0]! - cx)).toBeLessThanOrEqual(1e-6);
          expect(Math.abs(res.x[1]! - cy)).toBeLessThanOrEqual(1e-6);
        } else {
          // On the bound x = 0 the minimum over y is at y = cy + 0.5 cx / 20 (∂f/∂y = 0).
          expect(res.x[0]).toBe(0);
          expect(Math.abs(res.x[1]! - (cy + (0.5 * cx) / 20))).toBeLessThanOrEqual(1e-6);
        }
      }),
      params,
    );
  });

  it("a grouping factor with no variance gives a singular fit, not an error (lme4: isSingular)", () => {
    const rng = createRng("singular");
    const rows = Array.from({ length: 200 }, (_, i) => ({ y: normalDraw(rng), x: normalDraw(rng), g: `g${i % 8}` }));
    const fit = fitLinearMixedModel("y ~ x + (1 | g)", rows);
    expect(Number.isFinite(fit.log_likelihood)).toBe(true);
    expect(fit.variance_components[0]!.sd).toBeLessThan(0.2);
  });
});
