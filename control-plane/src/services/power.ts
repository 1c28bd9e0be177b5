// Sample-size planning of an experiment's design with core's power calculator (solvePower), and
// the request schema of the stateless POST /v1/power.
//
// Main effects (target "main_effects"): for each variable, each pair of its levels is compared as
// two groups; a level's group receives the summed traffic share of the combinations holding that
// level. With n = the units one group needs (two proportions p1 = baseline_rate,
// p2 = baseline_rate + effect_size, or two means with delta = effect_size and sd), a total of N
// units gives level a's group N * share(a) units, so the pair (a, b) needs
// N >= n / min(share(a), share(b)). The required total N is the maximum over variables and level
// pairs, i.e. n / (the smallest level share); per combination, ceil(N * traffic_allocation).
// Interaction power needs the factorial power module and is answered 422 until it lands.

import { solvePower } from "@mvx/core";
import { z } from "@hono/zod-openapi";
import type { Combination, PowerAnalysis, Variable } from "../domain/experiment.js";
import type { PowerAnalysisRequestBody } from "../routes/experiments/schemas.js";
import { RuleViolationError } from "../errors.js";

/** The body of POST /v1/experiments/:id/power-analysis, defaults applied. */
export type ExperimentPowerRequest = PowerAnalysisRequestBody;

/** ceil that forgives floating-point dust (3 * (1/3) * 200 is 200, not 201). */
function ceilUnits(x: number): number {
  return Math.ceil(x - 1e-9);
}

function levelShares(variables: Variable[], combinations: Combination[]) {
  const shares: { variable: string; level: unknown; share: number }[] = [];
  for (const v of variables) {
    for (const level of v.levels) {
      let share = 0;
      for (const c of combinations) if (c.variable_values[v.name] === level) share += c.traffic_allocation;
      shares.push({ variable: v.name, level, share });
    }
  }
  return shares;
}

/** Computes the power analysis stored on an experiment (see the module comment for the method). */
export function analyseExperimentPower(
  design: { variables: Variable[]; combinations: Combination[] },
  req: ExperimentPowerRequest,
  computedAt: string,
): PowerAnalysis {
  if (req.target === "interactions") {
    throw new RuleViolationError("interaction power arrives with the factorial power module; use target \"main_effects\" for now", [
      { path: "target", message: "\"interactions\" is not yet supported" },
    ]);
  }
  let solved: { n_per_group: number };
  let test: "two_proportions" | "two_means";
  if (req.metric.type === "binary") {
    const p1 = req.metric.baseline_rate;
    const p2 = p1 + req.effect_size;
    if (!(p2 > 0 && p2 < 1)) {
      throw new RuleViolationError(`baseline_rate + effect_size must lie in (0, 1), got ${p2}`, [
        { path: "effect_size", message: `baseline_rate + effect_size = ${p2} is not a proportion in (0, 1)` },
      ]);
    }
    test = "two_proportions";
    solved = solvePower({ test, p1, p2, power: req.power, alpha: req.alpha });
  } else {
    test = "two_means";
    solved = solvePower({ test, delta: req.effect_size, sd: req.metric.sd, power: req.power, alpha: req.alpha });
  }
  const n = solved.n_per_group;
  const shares = levelShares(design.variables, design.combinations);
  const smallest = shares.reduce((a, b) => (b.share < a.share ? b : a));
  if (!(smallest.share > 0)) {
    throw new RuleViolationError(
      `level ${JSON.stringify(smallest.level)} of variable ${JSON.stringify(smallest.variable)} gets no traffic, so its main effect cannot be estimated`,
      [{ path: "combinations", message: "every level needs a positive traffic share" }],
    );
  }
  const required = ceilUnits(n / smallest.share);
  return {
    effect_size: req.effect_size,
    power: req.power,
    alpha: req.alpha,
    metric: req.metric,
    target: req.target,
    test,
    n_per_group: n,
    required_sample_size: required,
    per_combination: design.combinations.map((c) => ({
      combination_id: c.combination_id,
      traffic_allocation: c.traffic_allocation,
      sample_size: ceilUnits(required * c.traffic_allocation),
    })),
    method: `main effects: ${test === "two_proportions" ? "two proportions" : "two means"} per pair of levels of each variable (two-sided); total = n_per_group / smallest level traffic share (${smallest.share.toPrecision(4)}, ${smallest.variable}=${JSON.stringify(smallest.level)})`,
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
