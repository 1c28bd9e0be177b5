// Checks an experiment design against the data model's rules (DATA-MODEL.md, MultivariateExperiment
// "Validation Rules") and generates its combinations. Every broken rule becomes one 422 detail
// naming its path (e.g. `variables.2.levels`), so a client sees all problems at once.
//
// Only FullFactorial generates combinations for now; the other design types are recognised and
// answered with an honest "not yet supported" until the designs module (packages/core/src/design/)
// lands.
//
// combination_id scheme (FullFactorial): "c" + a 1-based running number zero-padded to at least two
// digits ("c01", "c02", ..., "c12"; "c0001".."c1024" for 1024 combinations), numbered in the
// order of nested loops over the variables as declared, the first variable varying slowest and
// each variable's levels in their declared order. The ids are therefore stable for a given list of
// variables and levels. A client may name combinations itself through `combinations[].combination_id`.

import { InvalidArgumentError, validateWeights } from "@mvx/core";
import {
  MAX_LEVELS,
  MAX_VARIABLES,
  MIN_LEVELS,
  type Combination,
  type CombinationInput,
  type DesignType,
  type InteractionMatrix,
  type Level,
  type Variable,
  type VariableValues,
} from "../domain/experiment.js";
import { RuleViolationError, type ErrorDetail } from "../errors.js";

/** Tolerance of "traffic allocations sum to 1". */
export const TRAFFIC_SUM_TOLERANCE = 1e-6;

export interface DesignInput {
  design_type: DesignType;
  variables: Variable[];
  interaction_matrix?: InteractionMatrix | undefined;
  combinations?: CombinationInput[] | undefined;
}

export interface Design {
  combinations: Combination[];
  interaction_matrix: InteractionMatrix;
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

/** Every combination of levels (first variable slowest) with equal traffic 1/k and ids c01..ck. */
export function fullFactorial(variables: Variable[]): Combination[] {
  let rows: VariableValues[] = [{}];
  for (const v of variables) {
    const next: VariableValues[] = [];
    for (const row of rows) for (const level of v.levels) next.push({ ...row, [v.name]: level });
    rows = next;
  }
  const k = rows.length;
  const width = Math.max(2, String(k).length);
  return rows.map((variable_values, i) => ({
    combination_id: `c${String(i + 1).padStart(width, "0")}`,
    variable_values,
    traffic_allocation: 1 / k,
  }));
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

/**
 * Validates a design and generates its combinations; throws RuleViolationError (422) listing
 * every broken rule.
 */
export function buildDesign(input: DesignInput): Design {
  const details: ErrorDetail[] = [];
  checkVariables(input.variables, details);
  const interaction_matrix = checkInteractions(input.interaction_matrix ?? [], input.variables, details);
  if (input.design_type !== "FullFactorial") {
    details.push({
      path: "design_type",
      message: `${input.design_type} designs are not yet supported: they arrive with the designs module; only FullFactorial generates combinations for now`,
    });
  }
  if (details.length > 0) throw new RuleViolationError(summary(details), details);

  let combinations = fullFactorial(input.variables);
  if (input.combinations !== undefined) {
    combinations = applyCustomCombinations(combinations, input.combinations, input.variables, details);
    if (details.length > 0) throw new RuleViolationError(summary(details), details);
  }
  return { combinations, interaction_matrix };
}

function summary(details: ErrorDetail[]): string {
  const first = details[0] as ErrorDetail;
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : "";
  return `the design breaks a rule of the data model: ${first.path}: ${first.message}${more}`;
}
