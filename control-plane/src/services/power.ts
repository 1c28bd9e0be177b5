// Sample-size planning of an experiment's design with core's factorial power analysis
// (factorialPower: noncentral F tests of a fixed-effects factorial model, Cohen 1988 ch. 8, with
// λ = f² N), and the request schema of the stateless POST /v1/power.
//
// The model holds an intercept, every main effect (L_i - 1 df) and the two-factor interactions of
// the experiment's interaction_matrix ((L_i - 1)(L_j - 1) df; interactions of three or more
// variables are left out of the power model); with target "interactions" and an empty matrix,
// every two-factor interaction. The design's distinct combinations are the cells, so a fraction's
// fewer runs show in the parameters it can hold, and the denominator df are N - p. The raw effect
// {effect_size, metric} becomes Cohen's f per term (effectSizeToCohensF: f = (effect_size / 2) / sd
// for a two-level term; a binary metric uses sd = sqrt(p(1 - p)) at the mean rate). The required
// N is the largest over the tested terms, so every tested term reaches the power.
//
// factorialPower assumes equal traffic. With custom traffic the total is scaled so that the
// least-served combination still gets the balanced per-combination count:
// N = N_balanced / (cells * smallest traffic share) (= N_balanced for equal traffic), conservative
// since every cell then holds at least the balanced design. Per combination, ceil(N * traffic).
// n_per_group is N times the smallest group share among the tested terms (a level of a main
// effect, a level pair of an interaction), the counterpart of the two-group figure stored before.

import { factorialPower, solvePower } from "@mvx/core";
import { z } from "@hono/zod-openapi";
import type { Combination, InteractionMatrix, PowerAnalysis, Variable } from "../domain/experiment.js";
import type { PowerAnalysisRequestBody } from "../routes/experiments/schemas.js";
import { RuleViolationError } from "../errors.js";

/** The body of POST /v1/experiments/:id/power-analysis, defaults applied. */
export type ExperimentPowerRequest = PowerAnalysisRequestBody;

/** ceil that forgives floating-point dust (3 * (1/3) * 200 is 200, not 201). */
function ceilUnits(x: number): number {
  return Math.ceil(x - 1e-9);
}

/** Traffic share of each group of a term: the combinations sharing the term's variables' values. */
function groupShares(term: readonly string[], combinations: readonly Combination[]): number[] {
  const shares = new Map<string, number>();
  for (const c of combinations) {
    const key = JSON.stringify(term.map((v) => c.variable_values[v]));
    shares.set(key, (shares.get(key) ?? 0) + c.traffic_allocation);
  }
  return [...shares.values()];
}

/** Computes the power analysis stored on an experiment (see the module comment for the method). */
export function analyseExperimentPower(
  design: { variables: Variable[]; combinations: Combination[]; interaction_matrix: InteractionMatrix },
  req: ExperimentPowerRequest,
  computedAt: string,
): PowerAnalysis {
  const { variables, combinations } = design;
  const starved = combinations.find((c) => !(c.traffic_allocation > 0));
  if (starved) {
    throw new RuleViolationError(
      `combination ${starved.combination_id} gets no traffic, so the design cannot be analysed as planned; give every combination a positive traffic share`,
      [{ path: "combinations", message: "every combination needs a positive traffic share" }],
    );
  }
  const pairs = design.interaction_matrix.filter((t) => t.length === 2) as [string, string][];
  const skipped = design.interaction_matrix.length - pairs.length;
  const result = factorialPower({
    levels: variables.map((v) => v.levels.length),
    names: variables.map((v) => v.name),
    cells: combinations.length,
    interactions: pairs,
    target: req.target,
    alpha: req.alpha,
    power: req.power,
    effect: { effect_size: req.effect_size, metric: req.metric },
  });
  // The model's interactions as factorialModel builds them: the matrix's pairs, or every pair
  // when the target is the interactions and the matrix has none.
  const allPairs = variables.flatMap((v, i) => variables.slice(i + 1).map((w) => [v.name, w.name]));
  const modelPairs = pairs.length > 0 ? pairs.map((x) => [...x]) : req.target === "interactions" ? allPairs : [];
  const testedTerms = req.target === "main_effects" ? variables.map((v) => [v.name]) : modelPairs;
  const cells = combinations.length;
  const smallest = Math.min(...combinations.map((c) => c.traffic_allocation));
  const total = result.required_total_n / (cells * smallest);
  const required = ceilUnits(total);
  const smallestGroup = Math.min(...testedTerms.flatMap((t) => groupShares(t, combinations)));
  return {
    effect_size: req.effect_size,
    power: req.power,
    alpha: req.alpha,
    metric: req.metric,
    target: req.target,
    test: "factorial_f",
    n_per_group: total * smallestGroup,
    n_per_cell: result.n_per_cell,
    required_total_n: total,
    required_sample_size: required,
    cells,
    parameters: result.parameters,
    interactions: modelPairs,
    effects: result.effects,
    per_combination: combinations.map((c) => ({
      combination_id: c.combination_id,
      traffic_allocation: c.traffic_allocation,
      sample_size: ceilUnits(required * c.traffic_allocation),
    })),
    method:
      `${result.method}: ${req.target === "main_effects" ? "every main effect" : "the two-factor interactions"} at power ${req.power}, alpha ${req.alpha}; ` +
      `${result.parameters} parameters over ${cells} combinations; effects: each term's test with n_per_cell units in every combination` +
      (total > result.required_total_n * (1 + 1e-12) ? `; total scaled by 1 / (cells x smallest traffic share ${smallest.toPrecision(4)}) for unequal traffic` : "") +
      (skipped > 0 ? `; ${skipped} interaction${skipped === 1 ? "" : "s"} of three or more variables left out of the power model` : ""),
    computed_at: computedAt,
  };
}

const probability = z.number().gt(0).lt(1);
const nPerGroup = z.number().gt(1).openapi({ description: "units per group (may be fractional)" });
const alternative = z.enum(["two-sided", "greater", "less"]);

/** POST /v1/power: exactly one of n_per_group, power and the effect (p2, delta, f) is left out. */
export const PowerRequestSchema = z
  .discriminatedUnion("test", [
    z.strictObject({
      test: z.literal("two_proportions"),
      p1: probability,
      p2: probability.optional(),
      n_per_group: nPerGroup.optional(),
      power: probability.optional(),
      alpha: probability.optional(),
      alternative: alternative.optional(),
    }),
    z.strictObject({
      test: z.literal("two_means"),
      delta: z.number().optional(),
      sd: z.number().positive().optional(),
      n_per_group: nPerGroup.optional(),
      power: probability.optional(),
      alpha: probability.optional(),
      alternative: alternative.optional(),
      type: z.enum(["two.sample", "one.sample", "paired"]).optional(),
    }),
    z.strictObject({
      test: z.literal("anova"),
      groups: z.number().int().min(2).max(1000),
      f: z.number().positive().optional(),
      n_per_group: nPerGroup.optional(),
      power: probability.optional(),
      alpha: probability.optional(),
    }),
  ])
  .superRefine((req, ctx) => {
    const effectKey = req.test === "two_proportions" ? "p2" : req.test === "two_means" ? "delta" : "f";
    const effect = req.test === "two_proportions" ? req.p2 : req.test === "two_means" ? req.delta : req.f;
    // power defaults to 0.8 only when n_per_group is absent.
    const missing = [
      ...(req.n_per_group === undefined ? ["n_per_group"] : []),
      ...(req.power === undefined && req.n_per_group !== undefined ? ["power"] : []),
      ...(effect === undefined ? [effectKey] : []),
    ];
    if (missing.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `leave out exactly one of n_per_group, power and ${effectKey}: that one is solved for`,
      });
    } else if (missing.length > 1) {
      for (const key of missing) {
        ctx.addIssue({ code: "custom", path: [key], message: `only one of n_per_group, power and ${effectKey} can be solved for; give ${key}` });
      }
    }
  })
  .openapi("PowerRequest");
export type PowerRequest = z.infer<typeof PowerRequestSchema>;

export const PowerResponseSchema = z
  .object({
    test: z.enum(["two_proportions", "two_means", "anova"]),
    n_per_group: z.number().openapi({ description: "unrounded (R's convention)" }),
    total_n: z.number(),
    power: z.number(),
    alpha: z.number(),
  })
  .catchall(z.unknown())
  .openapi("PowerResponse");

/** Runs the stateless calculator and flattens its effect fields into the answer. */
export function computePower(req: PowerRequest): z.infer<typeof PowerResponseSchema> {
  const withDefault = req.n_per_group === undefined && req.power === undefined ? { ...req, power: 0.8 } : req;
  const { effect, ...rest } = solvePower(withDefault);
  return { ...rest, ...(effect ?? {}) };
}
