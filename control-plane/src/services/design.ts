// Checks an experiment design against the data model's rules (DATA-MODEL.md, MultivariateExperiment
// "Validation Rules") and generates its combinations with core's design module (generateDesign:
// FullFactorial, FractionalFactorial, LatinSquare, OrthogonalArray). The control plane's own checks
// (at most 5 variables of 2 to 4 distinct levels, unique names, declared interaction variables,
// numeric levels of continuous variables) run first and report every broken rule at once; then
// core checks that the design type fits the variables, the options and the requested interactions
// (DesignMismatchError: e.g. an interaction aliased with a main effect, a Latin square with unequal
// level counts — the message names the alias and says what would work). Every broken rule becomes
// one 422 detail naming its path (e.g. `variables.2.levels`, `interaction_matrix`).
//
// Randomised designs (LatinSquare) need a seed to be reproducible: when design_options has none,
// one is drawn from crypto here and stored in design_options, so regenerating gives the same
// combinations.
//
// combination_id scheme (core's): "c" + the 1-based run number zero-padded to at least two digits
// ("c01", "c02", ..., "c12"; "c0001".."c1024" for 1024 runs), in the design's run order — for a
// FullFactorial the standard (Yates) order, the first variable changing fastest and each
// variable's levels in their declared order. The ids are therefore stable for a given design. A
// client may give custom traffic (and its own ids) through `combinations[]`: every combination of
// the design listed once, allocations summing to 1.

import { InvalidArgumentError, generateDesign, validateWeights } from "@mvx/core";
import { randomInt } from "node:crypto";
import {
  MAX_LEVELS,
  MAX_VARIABLES,
  MIN_LEVELS,
  type Combination,
  type CombinationInput,
  type DesignOptions,
  type DesignProperties,
  type DesignType,
  type InteractionMatrix,
  type Level,
  type Variable,
  type VariableValues,
} from "../domain/experiment.js";
import { RuleViolationError, type ErrorDetail } from "../errors.js";

/** Tolerance of "traffic allocations sum to 1". */
export const TRAFFIC_SUM_TOLERANCE = 1e-6;

/** Design types whose generation is randomised (and so needs design_options.seed). */
export const RANDOMISED_DESIGNS: ReadonlySet<DesignType> = new Set<DesignType>(["LatinSquare"]);

export interface DesignInput {
  design_type: DesignType;
  variables: Variable[];
  interaction_matrix?: InteractionMatrix | undefined;
  design_options?: DesignOptions | null | undefined;
  combinations?: CombinationInput[] | undefined;
}

export interface Design {
  combinations: Combination[];
  interaction_matrix: InteractionMatrix;
  /** The options as stored: the input's, plus the seed picked for a randomised design. */
  design_options: DesignOptions | null;
  design_properties: DesignProperties;
}

export interface DesignDeps {
  /** Draws the seed of a randomised design given without one (crypto by default). */
  randomSeed?: () => number;
}

/** A fresh seed from the operating system's CSPRNG: a positive safe integer below 2^48. */
export function cryptoSeed(): number {
  return randomInt(1, 2 ** 48);
}

/** A level's identity for uniqueness and matching: its JSON type and value (1 and "1" differ). */
function levelKey(level: Level): string {
  return `${typeof level}:${String(level)}`;
}

function describe(level: unknown): string {
  return JSON.stringify(level) ?? String(level);
}

function checkVariables(variables: Variable[], details: ErrorDetail[]): void {
  if (variables.length < 1) {
    details.push({ path: "variables", message: "at least 1 variable is required" });
  } else if (variables.length > MAX_VARIABLES) {
    details.push({
      path: "variables",
      message: `at most ${MAX_VARIABLES} variables are allowed, got ${variables.length}`,
    });
  }
  const names = new Map<string, number>();
  variables.forEach((v, i) => {
    const seen = names.get(v.name);
    if (seen !== undefined) {
      details.push({
        path: `variables.${i}.name`,
        message: `duplicate variable name ${describe(v.name)} (also variables.${seen}.name)`,
      });
    } else {
      names.set(v.name, i);
    }
    if (v.levels.length < MIN_LEVELS) {
      details.push({
        path: `variables.${i}.levels`,
        message: `a variable needs at least ${MIN_LEVELS} levels, got ${v.levels.length}`,
      });
    } else if (v.levels.length > MAX_LEVELS) {
      details.push({
        path: `variables.${i}.levels`,
        message: `at most ${MAX_LEVELS} levels per variable are allowed, got ${v.levels.length}`,
      });
    }
    const levels = new Map<string, number>();
    v.levels.forEach((level, j) => {
      if (v.type === "continuous" && typeof level !== "number") {
        details.push({
          path: `variables.${i}.levels.${j}`,
          message: `levels of a continuous variable must be numbers, got ${describe(level)}`,
        });
      }
      const key = levelKey(level);
      const first = levels.get(key);
      if (first !== undefined) {
        details.push({
          path: `variables.${i}.levels.${j}`,
          message: `duplicate level ${describe(level)} (also variables.${i}.levels.${first})`,
        });
      } else {
        levels.set(key, j);
      }
    });
  });
}

function checkInteractions(matrix: InteractionMatrix, variables: Variable[], details: ErrorDetail[]): InteractionMatrix {
  const declared = new Set(variables.map((v) => v.name));
  const seen = new Map<string, number>();
  matrix.forEach((tuple, j) => {
    const inTuple = new Set<string>();
    tuple.forEach((name, k) => {
      if (!declared.has(name)) {
        details.push({ path: `interaction_matrix.${j}.${k}`, message: `unknown variable ${describe(name)}` });
      }
      if (inTuple.has(name)) {
        details.push({ path: `interaction_matrix.${j}.${k}`, message: `variable ${describe(name)} appears twice in one interaction` });
      }
      inTuple.add(name);
    });
    const key = JSON.stringify([...inTuple].sort());
    const first = seen.get(key);
    if (first !== undefined) {
      details.push({ path: `interaction_matrix.${j}`, message: `duplicate interaction (also interaction_matrix.${first})` });
    } else {
      seen.set(key, j);
    }
  });
  return matrix;
}

/** Every combination of levels in core's standard order (first variable fastest), equal traffic 1/k, ids c01..ck. */
export function fullFactorial(variables: Variable[]): Combination[] {
  return generateDesign({ design_type: "FullFactorial", variables }).combinations as Combination[];
}

function valuesKey(variables: Variable[], values: VariableValues): string {
  return JSON.stringify(variables.map((v) => levelKey(values[v.name] as Level)));
}

/** Applies client-given combinations (custom ids and traffic) onto the generated ones. */
function applyCustomCombinations(
  generated: Combination[],
  custom: CombinationInput[],
  variables: Variable[],
  details: ErrorDetail[],
): Combination[] {
  const before = details.length;
  const names = new Set(variables.map((v) => v.name));
  const levelSets = new Map(variables.map((v) => [v.name, new Set(v.levels.map(levelKey))]));
  const matched = new Map<string, { index: number; input: CombinationInput }>();
  custom.forEach((input, i) => {
    const keys = Object.keys(input.variable_values);
    const missing = [...names].filter((n) => !Object.hasOwn(input.variable_values, n));
    const unknown = keys.filter((n) => !names.has(n));
    if (missing.length || unknown.length) {
      const parts = [
        ...(missing.length ? [`missing ${missing.map(describe).join(", ")}`] : []),
        ...(unknown.length ? [`unknown ${unknown.map(describe).join(", ")}`] : []),
      ];
      details.push({ path: `combinations.${i}.variable_values`, message: `must give one value for every variable (${parts.join("; ")})` });
      return;
    }
    let levelsOk = true;
    for (const n of keys) {
      const value = input.variable_values[n] as Level;
      if (!levelSets.get(n)?.has(levelKey(value))) {
        levelsOk = false;
        details.push({ path: `combinations.${i}.variable_values.${n}`, message: `${describe(value)} is not a level of variable ${describe(n)}` });
      }
    }
    if (!(input.traffic_allocation >= 0 && input.traffic_allocation <= 1)) {
      details.push({ path: `combinations.${i}.traffic_allocation`, message: `traffic_allocation must be between 0 and 1, got ${input.traffic_allocation}` });
    }
    if (!levelsOk) return;
    const key = valuesKey(variables, input.variable_values);
    const prior = matched.get(key);
    if (prior) {
      details.push({ path: `combinations.${i}`, message: `the same combination is listed twice (also combinations.${prior.index})` });
      return;
    }
    matched.set(key, { index: i, input });
  });
  if (details.length > before) return generated;

  const missing = generated.filter((c) => !matched.has(valuesKey(variables, c.variable_values)));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).map((c) => describe(c.variable_values)).join(", ");
    details.push({
      path: "combinations",
      message: `every one of the ${generated.length} combinations of the design must be listed once; missing ${missing.length}: ${shown}${missing.length > 5 ? ", ..." : ""}`,
    });
    return generated;
  }
  // Every generated combination is matched here (none is missing).
  const result = generated.map((c) => {
    const { input } = matched.get(valuesKey(variables, c.variable_values)) as { input: CombinationInput };
    return {
      combination_id: input.combination_id ?? c.combination_id,
      variable_values: c.variable_values,
      traffic_allocation: input.traffic_allocation,
    };
  });
  const ids = new Map<string, number>();
  result.forEach((c, i) => {
    const first = ids.get(c.combination_id);
    if (first !== undefined) {
      const inputIndex = matched.get(valuesKey(variables, c.variable_values))?.index ?? i;
      details.push({ path: `combinations.${inputIndex}.combination_id`, message: `duplicate combination_id ${describe(c.combination_id)}` });
    } else {
      ids.set(c.combination_id, i);
    }
  });
  try {
    validateWeights(
      result.map((c) => c.traffic_allocation),
      TRAFFIC_SUM_TOLERANCE,
    );
  } catch (e) {
    if (!(e instanceof InvalidArgumentError)) throw e;
    const sum = result.reduce((s, c) => s + c.traffic_allocation, 0);
    details.push({ path: "combinations", message: `traffic allocations must sum to 1 (within ${TRAFFIC_SUM_TOLERANCE}), got ${sum}` });
  }
  return result;
}

/** Runs core's generator; its InvalidArgumentErrors (DesignMismatchError among them) become one 422 detail. */
function generate(input: DesignInput, design_options: DesignOptions | null) {
  try {
    return generateDesign({
      design_type: input.design_type,
      variables: input.variables,
      interaction_matrix: input.interaction_matrix ?? [],
      design_options,
    });
  } catch (e) {
    if (!(e instanceof InvalidArgumentError)) throw e;
    const details = [{ path: e.path ?? "design_type", message: e.message }];
    throw new RuleViolationError(summary(details), details);
  }
}

/**
 * Validates a design and generates its combinations and properties; throws RuleViolationError
 * (422) listing every broken rule.
 */
export function buildDesign(input: DesignInput, deps: DesignDeps = {}): Design {
  const details: ErrorDetail[] = [];
  checkVariables(input.variables, details);
  const interaction_matrix = checkInteractions(input.interaction_matrix ?? [], input.variables, details);
  if (details.length > 0) throw new RuleViolationError(summary(details), details);

  let design_options = input.design_options ?? null;
  if (RANDOMISED_DESIGNS.has(input.design_type) && design_options?.seed === undefined) {
    design_options = { ...(design_options ?? {}), seed: (deps.randomSeed ?? cryptoSeed)() };
  }
  const generated = generate(input, design_options);
  let combinations = generated.combinations as Combination[];
  if (input.combinations !== undefined) {
    combinations = applyCustomCombinations(combinations, input.combinations, input.variables, details);
    if (details.length > 0) throw new RuleViolationError(summary(details), details);
  }
  return { combinations, interaction_matrix, design_options, design_properties: generated.properties };
}

function summary(details: ErrorDetail[]): string {
  const first = details[0] as ErrorDetail;
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : "";
  return `the design breaks a rule of the data model: ${first.path}: ${first.message}${more}`;
}
