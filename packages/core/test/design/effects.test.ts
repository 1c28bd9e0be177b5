// analyseEffects: factorial effects from per-combination sufficient statistics. Checked
// (1) against R 4.2.2 (summary(lm(...)), anova(lm(...)), confint) on a balanced 2 x 2 and an
//     unbalanced 2 x 3 data set, values printed with sprintf("%.17g") and compared at 1e-8
//     relative;
// (2) against ordinary least squares on the raw rows (ml-matrix), on seeded random unbalanced data
//     in several designs: the weighted fit on cell means is the raw-row fit;
// (3) for the alias chains of a 2^(5-2) fraction (Montgomery, DAE 8th ed., Example 8.6 / Table
//     8.14: I = ABD = ACE = BCDE, so A = BD = CE), a Latin square and a Plackett-Burman design;
// (4) for its 422-worthy refusals: too few results, a combination without data for a term.

import { Matrix, inverse, solve } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { analyseEffects, designContrasts, generateDesign, type Combination, type DesignRequest, type EffectsCell } from "../../src/design/index.js";
import { InvalidArgumentError } from "../../src/errors.js";
import { createRng, normalDraw } from "../../src/random/rng.js";
import { vars } from "./common.case.js";

const REL = 1e-8;

/** |actual - expected| <= tol * |expected| (relative; absolute when expected is 0). */
function close(actual: number | null | undefined, expected: number, tol = REL): void {
  expect(typeof actual).toBe("number");
  const err = Math.abs((actual as number) - expected);
  expect(err).toBeLessThanOrEqual(tol * (expected === 0 ? 1 : Math.abs(expected)));
}

type Row = { values: Record<string, string | number>; y: number };

/** Per-combination n, sum, sum of squares of raw rows. */
function cellsOf(combinations: readonly Combination[], rows: readonly Row[]): EffectsCell[] {
  const key = (v: Record<string, unknown>) => JSON.stringify(Object.keys(v).sort().map((k) => [k, v[k]]));
  const byKey = new Map(combinations.map((c) => [key(c.variable_values), c.combination_id]));
  const cells = new Map<string, EffectsCell>();
  for (const r of rows) {
    const id = byKey.get(key(r.values));
    if (!id) throw new Error(`row outside the design: ${JSON.stringify(r.values)}`);
    const c = cells.get(id) ?? { combination_id: id, n: 0, sum: 0, sum_sq: 0 };
    c.n += 1;
    c.sum += r.y;
    c.sum_sq += r.y * r.y;
    cells.set(id, c);
  }
  return [...cells.values()];
}

describe("analyseEffects against R: balanced 2 x 2, y ~ A * B", () => {
  // R 4.2.2:
  //   options(contrasts = c("contr.helmert", "contr.poly"))
  //   d1 <- data.frame(A = factor(rep(c("a1","a2","a1","a2"), each = 3)), B = factor(rep(c("b1","b1","b2","b2"), each = 3)),
  //                    y = c(12.1, 13.4, 11.8, 15.2, 14.9, 16.3, 13.0, 12.2, 14.1, 19.8, 18.7, 20.4))
  //   f1 <- lm(y ~ A * B, data = d1); anova(f1); summary(f1); confint(f1)
  const y = [12.1, 13.4, 11.8, 15.2, 14.9, 16.3, 13.0, 12.2, 14.1, 19.8, 18.7, 20.4];
  const A = ["a1", "a1", "a1", "a2", "a2", "a2", "a1", "a1", "a1", "a2", "a2", "a2"];
  const B = ["b1", "b1", "b1", "b1", "b1", "b1", "b2", "b2", "b2", "b2", "b2", "b2"];
  const variables = [
    { name: "A", levels: ["a1", "a2"], type: "categorical" as const },
    { name: "B", levels: ["b1", "b2"], type: "categorical" as const },
  ];
  const design = generateDesign({ design_type: "FullFactorial", variables, interaction_matrix: [["A", "B"]] });
  const rows = y.map((v, i) => ({ values: { A: A[i]!, B: B[i]! }, y: v }));
  const result = analyseEffects({ variables, combinations: design.combinations, interaction_matrix: [["A", "B"]] }, cellsOf(design.combinations, rows));

  it("matches anova(lm(y ~ A * B))", () => {
    expect(result.anova.map((r) => r.term)).toEqual(["A", "B", "A:B", "Residual"]);
    expect(result.anova.map((r) => r.df)).toEqual([1, 1, 1, 8]);
    [68.640833333333291, 17.520833333333275, 9.1875000000000338, 5.8399999999999883].forEach((v, i) => close(result.anova[i]!.sum_sq, v));
    [68.640833333333291, 17.520833333333275, 9.1875000000000338, 0.72999999999999854].forEach((v, i) => close(result.anova[i]!.mean_sq, v));
    [94.028538812785513, 24.001141552511385, 12.585616438356237].forEach((v, i) => close(result.anova[i]!.F, v));
    [1.0676489391481757e-5, 0.0011951346984246545, 0.0075355506260323833].forEach((v, i) => close(result.anova[i]!.p_value, v));
    expect(result.anova[3]!.F).toBeNull();
    expect(result.anova[3]!.p_value).toBeNull();
  });

  it("matches summary(lm(y ~ A * B)) and confint()", () => {
    expect(result.coefficients.map((c) => c.term)).toEqual(["(Intercept)", "A", "B", "A:B"]); // R: A1, B1, A1:B1
    const est = [15.158333333333339, 2.3916666666666657, 1.2083333333333315, 0.87500000000000155];
    const se = [0.24664414311581215, 0.24664414311581212, 0.24664414311581212, 0.24664414311581212];
    const t = [61.458314565433319, 9.6968313800326289, 4.8990959933962701, 3.547621236597311];
    const p = [5.4609081118554721e-12, 1.0676489391481757e-5, 0.0011951346984246545, 0.007535550626032392];
    const lwr = [14.589570919384387, 1.8229042527177151, 0.63957091938438071, 0.30623758605105078];
    const upr = [15.72709574728229, 2.9604290806156164, 1.7770957472822824, 1.4437624139489524];
    result.coefficients.forEach((c, i) => {
      close(c.estimate, est[i]!);
      close(c.std_error, se[i]!);
      close(c.statistic, t[i]!);
      close(c.p_value, p[i]!);
      close(c.ci_lower, lwr[i]!);
      close(c.ci_upper, upr[i]!);
    });
    close(result.residual.sigma, 0.85440037453175222);
    close(result.r_squared, 0.9422863119405076);
    expect(result.n).toBe(12);
    expect(result.parameters).toBe(4);
  });

  it("reports the 2-level main effect as half the difference of level means, and the difference beside it", () => {
    const mean = (level: string) => y.filter((_, i) => A[i] === level).reduce((s, v) => s + v, 0) / 6;
    const a = result.effects.find((e) => e.term === "A")!;
    close(a.estimate, (mean("a2") - mean("a1")) / 2);
    close(a.difference, mean("a2") - mean("a1"));
    close(a.difference_std_error, 2 * 0.24664414311581212);
    close(a.difference_ci_lower, 2 * 1.8229042527177151);
    expect(a.alias_chain).toEqual(["A"]);
    expect(a.partial_aliases).toEqual([]);
    // The interaction effect: half the change of A's effect across B (Montgomery, DAE, sec. 6.2).
    const cell = (x: string, z: string) => y.filter((_, i) => A[i] === x && B[i] === z).reduce((s, v) => s + v, 0) / 3;
    const ab = result.effects.find((e) => e.term === "A:B")!;
    close(ab.difference, (cell("a2", "b2") - cell("a1", "b2") - (cell("a2", "b1") - cell("a1", "b1"))) / 2);
    expect(ab.letters).toBe("AB");
    expect(ab.df).toBe(1);
  });
});

describe("analyseEffects against R: unbalanced 2 x 3, y ~ A * B", () => {
  // R 4.2.2:
  //   options(contrasts = c("contr.helmert", "contr.poly"))
  //   d2 <- data.frame(A = factor(c("a1","a1","a1","a2","a2","a1","a2","a2","a2","a2","a1","a1","a2","a2","a2")),
  //                    B = factor(c("b1","b1","b1","b1","b1","b2","b2","b2","b2","b2","b3","b3","b3","b3","b3")),
  //                    y = c(4.2, 5.1, 3.8, 6.0, 6.4, 5.5, 7.9, 8.3, 7.1, 8.8, 3.1, 2.7, 6.6, 5.9, 6.2))
  //   f2 <- lm(y ~ A * B, data = d2); anova(f2); summary(f2); confint(f2)
  const y = [4.2, 5.1, 3.8, 6.0, 6.4, 5.5, 7.9, 8.3, 7.1, 8.8, 3.1, 2.7, 6.6, 5.9, 6.2];
  const A = ["a1", "a1", "a1", "a2", "a2", "a1", "a2", "a2", "a2", "a2", "a1", "a1", "a2", "a2", "a2"];
  const B = ["b1", "b1", "b1", "b1", "b1", "b2", "b2", "b2", "b2", "b2", "b3", "b3", "b3", "b3", "b3"];
  const variables = [
    { name: "A", levels: ["a1", "a2"], type: "categorical" as const },
    { name: "B", levels: ["b1", "b2", "b3"], type: "categorical" as const },
  ];
  const design = generateDesign({ design_type: "FullFactorial", variables });
  const rows = y.map((v, i) => ({ values: { A: A[i]!, B: B[i]! }, y: v }));
  const cells = cellsOf(design.combinations, rows);
  const result = analyseEffects({ variables, combinations: design.combinations, interaction_matrix: [["A", "B"]] }, cells);

  it("matches anova(lm(y ~ A * B)) (sequential sums of squares)", () => {
    expect(result.anova.map((r) => [r.term, r.df])).toEqual([["A", 1], ["B", 2], ["A:B", 2], ["Residual", 9]]);
    [31.44711111111112, 10.936013888888894, 1.3520416666666648, 2.8408333333333355].forEach((v, i) => close(result.anova[i]!.sum_sq, v));
    [31.44711111111112, 5.468006944444447, 0.6760208333333324, 0.3156481481481484].forEach((v, i) => close(result.anova[i]!.mean_sq, v));
    [99.627104722792552, 17.323107949545317, 2.1416911117629756].forEach((v, i) => close(result.anova[i]!.F, v));
    [3.6342993886382452e-6, 0.00082097816714684225, 0.17346117340244932].forEach((v, i) => close(result.anova[i]!.p_value, v));
  });

  it("matches summary(lm(y ~ A * B)) and confint() with Helmert contrasts", () => {
    expect(result.coefficients.map((c) => c.term)).toEqual(["(Intercept)", "A", "B1", "B2", "A:B1", "A:B2"]);
    const est = [5.5374999999999996, 1.2819444444444446, 0.7395833333333337, -0.48541666666666683, 0.17291666666666666, 0.19236111111111096];
    const se = [0.15991668248208762, 0.15991668248208768, 0.20273139690270842, 0.10896485170014998, 0.20273139690270839, 0.10896485170014998];
    const t = [34.627406684854527, 8.0163271557864864, 3.6480946939277619, -4.4548004158482115, 0.85293481576339192, 1.7653500932617356];
    const p = [6.8992964344207564e-11, 2.1777106065005789e-5, 0.0053333051272834216, 0.0015891397007919946, 0.41581684794932783, 0.11131973384433558];
    const lwr = [5.1757433312722192, 0.92018777571666377, 0.28097305170578613, -0.73191228643340522, -0.28569361496088086, -0.054134508655627439];
    const upr = [5.8992566687277801, 1.6437011131722254, 1.1981936149608812, -0.23892104689992844, 0.63152694829421419, 0.43885673087784938];
    result.coefficients.forEach((c, i) => {
      close(c.estimate, est[i]!);
      close(c.std_error, se[i]!);
      close(c.statistic, t[i]!);
      close(c.p_value, p[i]!);
      close(c.ci_lower, lwr[i]!);
      close(c.ci_upper, upr[i]!);
    });
    close(result.residual.sigma, 0.56182572755984428);
    close(result.r_squared, 0.93900649833963123);
    // A saturated model: no lack of fit, the residual is the pure error.
    expect(result.residual.lack_of_fit_df).toBe(0);
    close(result.residual.pure_error_sum_sq, 2.8408333333333355);
  });

  it("multi-df terms list their coefficients and carry no single estimate", () => {
    const b = result.effects.find((e) => e.term === "B")!;
    expect(b.df).toBe(2);
    expect(b.coefficients).toEqual(["B1", "B2"]);
    expect(b.estimate).toBeUndefined();
    expect(b.difference).toBeUndefined();
    expect(result.coding).toEqual([
      { variable: "A", levels: 2, contrasts: "effect" },
      { variable: "B", levels: 3, contrasts: "helmert" },
    ]);
  });

  it("matches R with integer orthogonal polynomial contrasts for a continuous B (levels 10, 20, 30)", () => {
    // R 4.2.2: the same d2 with B = factor(c(10, ..., 30)); contrasts(d2$A) <- cbind(c(-1, 1));
    //   contrasts(d2$B) <- cbind(L = c(-1, 0, 1), Q = c(1, -2, 1)); summary(lm(y ~ A * B, data = d2))
    const cont = [variables[0]!, { name: "B", levels: [10, 20, 30], type: "continuous" as const }];
    const d = generateDesign({ design_type: "FullFactorial", variables: cont });
    const numeric = rows.map((r) => ({ values: { A: r.values.A, B: { b1: 10, b2: 20, b3: 30 }[r.values.B as string]! }, y: r.y }));
    const res = analyseEffects({ variables: cont, combinations: d.combinations, interaction_matrix: [["A", "B"]] }, cellsOf(d.combinations, numeric));
    expect(res.coefficients.map((c) => c.term)).toEqual(["(Intercept)", "A", "B.L", "B.Q", "A:B.L", "A:B.Q"]);
    const est = [5.5374999999999988, 1.2819444444444448, -0.35833333333333345, -0.61250000000000038, 0.37500000000000022, 0.0097222222222221825];
    const se = [0.15991668248208751, 0.15991668248208751, 0.18132847385917841, 0.12088564923945228, 0.18132847385917844, 0.12088564923945229];
    const p = [6.8992964344207073e-11, 2.177710606500563e-5, 0.079550295858819647, 0.00067481631488550066, 0.068578077507749094, 0.9376592893289819];
    res.coefficients.forEach((c, i) => {
      close(c.estimate, est[i]!);
      close(c.std_error, se[i]!);
      close(c.p_value, p[i]!);
    });
    // The ANOVA does not depend on the contrasts chosen for a term.
    res.anova.forEach((row, i) => close(row.sum_sq, result.anova[i]!.sum_sq));
  });
});

/** OLS on raw rows with ml-matrix: coefficients, standard errors, sequential SS (RSS of nested fits). */
function rawOls(x: number[][], y: number[], termCols: number[][]) {
  const X = new Matrix(x);
  const Y = Matrix.columnVector(y);
  const beta = solve(X, Y).to1DArray();
  const resid = y.map((v, i) => v - x[i]!.reduce((s, xv, j) => s + xv * beta[j]!, 0));
  const rss = resid.reduce((s, r) => s + r * r, 0);
  const df = y.length - x[0]!.length;
  const xtxInv = inverse(X.transpose().mmul(X));
  const se = beta.map((_, j) => Math.sqrt((rss / df) * xtxInv.get(j, j)));
  const rssOf = (cols: number[]) => {
    const Xs = new Matrix(x.map((row) => cols.map((c) => row[c]!)));
    const b = solve(Xs, Y).to1DArray();
    return y.reduce((s, v, i) => s + (v - cols.reduce((t, c, k) => t + x[i]![c]! * b[k]!, 0)) ** 2, 0);
  };
  const seq: number[] = [];
  let cols: number[] = [0];
  let prev = rssOf(cols);
  for (const t of termCols) {
    cols = [...cols, ...t];
    const now = rssOf(cols);
    seq.push(prev - now);
    prev = now;
  }
  return { beta, se, rss, df, seq };
}

describe("weighted least squares on cell statistics equals OLS on the raw rows", () => {
  const cases: { label: string; request: DesignRequest; coding?: "polynomial" | "helmert" }[] = [
    { label: "2^(5-2) with D = AB, E = AC and the clear interaction BC", request: { design_type: "FractionalFactorial", variables: vars([2, 2, 2, 2, 2]), interaction_matrix: [["B", "C"]], design_options: { generators: { D: "AB", E: "AC" } } } },
    { label: "3 x 4 full factorial with its interaction (Helmert)", request: { design_type: "FullFactorial", variables: vars([3, 4]), interaction_matrix: [["A", "B"]] } },
    {
      label: "2 x 3 x 4 continuous, polynomial contrasts, two interactions",
      request: {
        design_type: "FullFactorial",
        variables: [
          { name: "A", levels: [0, 1], type: "continuous" },
          { name: "B", levels: [1, 2, 4], type: "continuous" },
          { name: "C", levels: [10, 20, 30, 40], type: "continuous" },
        ],
        interaction_matrix: [["A", "B"], ["B", "C"]],
      },
    },
    { label: "L9(3^4)", request: { design_type: "OrthogonalArray", variables: vars([3, 3, 3, 3]) } },
    { label: "4 x 4 Latin square", request: { design_type: "LatinSquare", variables: vars([4, 4, 4]), design_options: { seed: 11 } } },
  ];
  for (const { label, request, coding } of cases) {
    it(label, () => {
      const design = generateDesign(request);
      const rng = createRng(`effects-${label}`);
      const rows: Row[] = [];
      // 1 to 5 rows per combination, means from a sparse effect model, sd 1.3, an offset of 1e3.
      design.combinations.forEach((c, r) => {
        const count = 1 + Math.floor(rng() * 5);
        for (let i = 0; i < count; i++) rows.push({ values: c.variable_values as Record<string, string | number>, y: 1000 + 0.7 * (r % 3) + 1.3 * normalDraw(rng) });
      });
      const ed = { variables: request.variables, combinations: design.combinations, interaction_matrix: request.interaction_matrix ?? [] };
      const res = analyseEffects(ed, cellsOf(design.combinations, rows), coding ? { coding } : {});
      const contrasts = designContrasts(ed, coding ? { coding } : {});
      const idOf = new Map(design.combinations.map((c, i) => [JSON.stringify(c.variable_values), i]));
      const x = rows.map((row) => contrasts.matrix[idOf.get(JSON.stringify(row.values))!]!);
      const termNames = Object.keys(contrasts.terms).filter((k) => k !== "(Intercept)");
      const ols = rawOls(x, rows.map((r) => r.y), termNames.map((k) => contrasts.terms[k]!));
      expect(res.n).toBe(rows.length);
      res.coefficients.forEach((c, j) => {
        // Relative to the response's scale (1e3): the raw fit itself is good to ~1e-13 of it.
        expect(Math.abs(c.estimate - ols.beta[j]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ols.beta[j]!)));
        close(c.std_error, ols.se[j]!, 1e-8);
      });
      close(res.residual.sum_sq, ols.rss, 1e-8);
      expect(res.residual.df).toBe(ols.df);
      termNames.forEach((k, i) => {
        const row = res.anova.find((a) => a.term === k)!;
        expect(Math.abs(row.sum_sq - ols.seq[i]!)).toBeLessThanOrEqual(1e-7 * Math.max(1, ols.seq[i]!));
      });
    });
  }

  it("uses the two-pass within-cell ss when given (a large mean loses no digits)", () => {
    const variables = vars([2, 2]);
    const design = generateDesign({ design_type: "FullFactorial", variables });
    const rows: Row[] = [];
    design.combinations.forEach((c, r) => [0.1, -0.2, 0.15].forEach((d) => rows.push({ values: c.variable_values as Record<string, string>, y: 1e8 + r + d })));
    const cells = cellsOf(design.combinations, rows).map((c) => ({ ...c, ss: 0.1 ** 2 + 0.2 ** 2 + 0.15 ** 2 - (0.05 ** 2) / 3 }));
    const res = analyseEffects({ variables, combinations: design.combinations }, cells);
    close(res.residual.pure_error_sum_sq, 4 * (0.1 ** 2 + 0.2 ** 2 + 0.15 ** 2 - 0.05 ** 2 / 3), 1e-12);
  });
});

describe("alias chains", () => {
  const fiveFactors = (extra: Partial<DesignRequest> = {}) => {
    const request: DesignRequest = { design_type: "FractionalFactorial", variables: vars([2, 2, 2, 2, 2]), design_options: { generators: { D: "AB", E: "AC" } }, ...extra };
    const design = generateDesign(request);
    // One response per combination plus a replicate of every run: 16 responses, 6 parameters.
    const cells = design.combinations.map((c, r) => ({ combination_id: c.combination_id, n: 2, sum: 2 * (r + 1), sum_sq: 2 * (r + 1) ** 2 + 0.5 }));
    return analyseEffects({ variables: request.variables, combinations: design.combinations, interaction_matrix: request.interaction_matrix ?? [] }, cells);
  };

  it("2^(5-2), I = ABD = ACE = BCDE: A = BD = CE, and so on (Montgomery, DAE, Example 8.6)", () => {
    const res = fiveFactors();
    const chains = Object.fromEntries(res.effects.map((e) => [e.term, e.alias_chain]));
    expect(chains).toEqual({
      A: ["A", "BD", "CE"],
      B: ["B", "AD"],
      C: ["C", "AE"],
      D: ["D", "AB"],
      E: ["E", "AC"],
    });
    expect(res.effects[0]).toMatchObject({ term: "A", alias_chain_terms: ["A", "B:D", "C:E"], partial_aliases: [] });
    // Not separate estimates: the aliased interactions are not model terms.
    expect(res.effects.map((e) => e.term)).toEqual(["A", "B", "C", "D", "E"]);
  });

  it("a requested clear interaction carries its own chain; signs follow the generators", () => {
    const res = fiveFactors({ interaction_matrix: [["B", "C"]] });
    expect(res.effects.find((e) => e.term === "B:C")!.alias_chain).toEqual(["BC", "DE"]);
    const neg = generateDesign({ design_type: "FractionalFactorial", variables: vars([2, 2, 2, 2]), design_options: { generators: { D: "-ABC" } } });
    const cells = neg.combinations.map((c, r) => ({ combination_id: c.combination_id, n: 3, sum: 3 * r, sum_sq: 3 * r * r + 1 }));
    const r2 = analyseEffects({ variables: vars([2, 2, 2, 2]), combinations: neg.combinations, interaction_matrix: [["A", "B"]] }, cells);
    // I = -ABCD: AB = -CD.
    expect(r2.effects.find((e) => e.term === "A:B")!.alias_chain).toEqual(["AB", "-CD"]);
  });

  it("Latin square: each main effect lies in the interaction of the other two", () => {
    const request: DesignRequest = { design_type: "LatinSquare", variables: vars([3, 3, 3]), design_options: { seed: 3 } };
    const design = generateDesign(request);
    const cells = design.combinations.map((c, r) => ({ combination_id: c.combination_id, n: 2, sum: r, sum_sq: r * r + 1 }));
    const res = analyseEffects({ variables: request.variables, combinations: design.combinations }, cells);
    expect(res.effects.map((e) => e.alias_chain)).toEqual([["A", "BC"], ["B", "AC"], ["C", "AB"]]);
  });

  it("Plackett-Burman L12: main effects partly aliased with two-factor interactions (shared df 1/9 each)", () => {
    const variables = vars([2, 2, 2, 2, 2]);
    const design = generateDesign({ design_type: "OrthogonalArray", variables, design_options: { array: "L12" } });
    expect(design.combinations).toHaveLength(12);
    const cells = design.combinations.map((c, r) => ({ combination_id: c.combination_id, n: 2, sum: r, sum_sq: r * r + 1 }));
    const res = analyseEffects({ variables, combinations: design.combinations }, cells);
    const a = res.effects[0]!;
    expect(a.alias_chain).toEqual(["A"]);
    // The interactions not involving A: BC, BD, BE, CD, CE, DE, each correlated 1/3 with A.
    expect(a.partial_aliases.map((x) => x.term)).toEqual(["BC", "BD", "BE", "CD", "CE", "DE"]);
    for (const x of a.partial_aliases) expect(x.shared_df).toBeCloseTo(1 / 9, 12);
  });
});

describe("refusals", () => {
  const variables = vars([2, 2]);
  const design = generateDesign({ design_type: "FullFactorial", variables });
  const full = design.combinations.map((c) => ({ combination_id: c.combination_id, n: 2, sum: 3, sum_sq: 5 }));

  it("too few results: fewer than p + 1", () => {
    const cells = design.combinations.map((c) => ({ combination_id: c.combination_id, n: 1, sum: 1, sum_sq: 1 }));
    try {
      analyseEffects({ variables, combinations: design.combinations, interaction_matrix: [["A", "B"]] }, cells);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as InvalidArgumentError).path).toBe("results");
      expect((e as Error).message).toMatch(/needs at least 5 results .* got 4/);
    }
  });

  it("a combination without data leaves a term inestimable: named, with the empty combinations", () => {
    const cells = full.slice(0, 3).map((c) => ({ ...c, n: 5 }));
    try {
      analyseEffects({ variables, combinations: design.combinations, interaction_matrix: [["A", "B"]] }, cells);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toMatch(/term A:B cannot be estimated/);
      expect((e as Error).message).toContain(design.combinations[3]!.combination_id);
    }
    // Without the interaction, three cells suffice for the two main effects.
    const ok = analyseEffects({ variables, combinations: design.combinations }, cells);
    expect(ok.residual.lack_of_fit_df).toBe(0);
  });

  it("unknown or repeated combinations and bad counts are InvalidArgumentErrors with paths", () => {
    const bad: [EffectsCell[], string][] = [
      [[{ combination_id: "zz", n: 1, sum: 1, sum_sq: 1 }], "cells.0.combination_id"],
      [[full[0]!, full[0]!], "cells.1.combination_id"],
      [[{ ...full[0]!, n: 1.5 }], "cells.0.n"],
      [[{ ...full[0]!, ss: -1 }], "cells.0.ss"],
    ];
    for (const [cells, path] of bad) {
      try {
        analyseEffects({ variables, combinations: design.combinations }, cells);
        expect.unreachable();
      } catch (e) {
        expect((e as InvalidArgumentError).path).toBe(path);
      }
    }
    expect(() => analyseEffects({ variables, combinations: design.combinations }, full, { confidence: 1 })).toThrow(InvalidArgumentError);
  });

  it("identical responses: zero residual, statistics null rather than NaN", () => {
    const cells = design.combinations.map((c) => ({ combination_id: c.combination_id, n: 3, sum: 6, sum_sq: 12 }));
    const res = analyseEffects({ variables, combinations: design.combinations }, cells);
    expect(res.residual.sum_sq).toBe(0);
    expect(res.coefficients[1]!.statistic).toBeNull();
    expect(res.anova[0]!.F).toBeNull();
    const numbers: number[] = [];
    JSON.stringify(res, (_, v) => (typeof v === "number" && numbers.push(v), v));
    expect(numbers.every(Number.isFinite)).toBe(true);
  });
});
