// Checks a design request against the data model (at most 5 variables of 2..4 distinct levels,
// unique names, known design type, well-formed options) and normalises it for the generators:
// interactions become sorted factor-index lists, the resolution a number.

import { InvalidArgumentError } from "../errors.js";
import { parseEffect, resolveFactor } from "./factor-names.js";
import { DESIGN_TYPES, type DesignOptions, type DesignRequest, type DesignType, type DesignVariable, type LevelValue } from "./types.js";

export const MAX_VARIABLES = 5;
export const MAX_LEVELS = 4;

/** A validated request. */
export interface NormalizedRequest {
  designType: DesignType;
  variables: DesignVariable[];
  names: string[];
  levelCounts: number[];
  /** Requested interactions as ascending factor-index lists, duplicates removed. */
  interactions: number[][];
  options: {
    resolution?: number;
    runs?: number;
    seed?: number | string;
    generators?: DesignOptions["generators"];
    treatment?: string[];
    array?: string;
  };
}

/** Canonical JSON of a level value (object keys sorted), for equality of levels. */
export function levelKey(value: unknown): string {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(canon(value)) ?? "undefined";
}

const ROMAN: Record<string, number> = { II: 2, III: 3, IV: 4, V: 5, VI: 6, VII: 7, VIII: 8 };

/** Roman numeral of a resolution (3 -> "III"). */
export function roman(n: number): string {
  const entry = Object.entries(ROMAN).find(([, v]) => v === n);
  return entry ? entry[0] : String(n);
}

function parseResolution(value: unknown): number {
  const path = "design_options.resolution";
  let r: number | undefined;
  if (typeof value === "number") r = value;
  else if (typeof value === "string") r = ROMAN[value.trim().toUpperCase()] ?? (/^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined);
  if (r === undefined || !Number.isInteger(r)) {
    throw new InvalidArgumentError(`resolution must be an integer or a Roman numeral (III, IV, V), got ${JSON.stringify(value)}`, path);
  }
  if (r < 3) {
    throw new InvalidArgumentError(`resolution must be at least III (below it main effects are aliased with each other), got ${r}`, path);
  }
  return r;
}

/** Validates and normalises a design request; throws InvalidArgumentError naming the broken rule and its path. */
export function validateDesignRequest(request: DesignRequest): NormalizedRequest {
  if (request === null || typeof request !== "object") throw new InvalidArgumentError("the design request must be an object");
  const designType = request.design_type;
  if (!DESIGN_TYPES.includes(designType)) {
    throw new InvalidArgumentError(`design_type must be one of ${DESIGN_TYPES.join(", ")}, got ${JSON.stringify(designType)}`, "design_type");
  }
  const vars = request.variables;
  if (!Array.isArray(vars) || vars.length === 0) throw new InvalidArgumentError("variables must be a non-empty array", "variables");
  if (vars.length > MAX_VARIABLES) {
    throw new InvalidArgumentError(`at most ${MAX_VARIABLES} variables are allowed, got ${vars.length}`, "variables");
  }
  const names: string[] = [];
  const variables: DesignVariable[] = vars.map((v: DesignVariable, i: number) => {
    const path = `variables.${i}`;
    if (v === null || typeof v !== "object") throw new InvalidArgumentError("a variable must be an object {name, levels, type}", path);
    if (typeof v.name !== "string" || v.name.trim() === "") throw new InvalidArgumentError("variable name must be a non-empty string", `${path}.name`);
    if (names.includes(v.name)) throw new InvalidArgumentError(`variable name "${v.name}" is used twice`, `${path}.name`);
    names.push(v.name);
    if (!Array.isArray(v.levels)) throw new InvalidArgumentError("levels must be an array", `${path}.levels`);
    if (v.levels.length < 2 || v.levels.length > MAX_LEVELS) {
      throw new InvalidArgumentError(`a variable needs 2 to ${MAX_LEVELS} levels, "${v.name}" has ${v.levels.length}`, `${path}.levels`);
    }
    const keys = new Set<string>();
    v.levels.forEach((level: LevelValue, j: number) => {
      if (level === undefined) throw new InvalidArgumentError("a level must be a JSON value", `${path}.levels.${j}`);
      const key = levelKey(level);
      if (keys.has(key)) throw new InvalidArgumentError(`level ${key} of "${v.name}" is repeated`, `${path}.levels.${j}`);
      keys.add(key);
    });
    if (v.type !== undefined && v.type !== "categorical" && v.type !== "continuous") {
      throw new InvalidArgumentError(`type must be "categorical" or "continuous", got ${JSON.stringify(v.type)}`, `${path}.type`);
    }
    return v;
  });

  const interactions: number[][] = [];
  const seen = new Set<string>();
  const matrix = request.interaction_matrix ?? [];
  if (!Array.isArray(matrix)) throw new InvalidArgumentError("interaction_matrix must be an array of [name, name] pairs", "interaction_matrix");
  matrix.forEach((entry: readonly string[] | string, i: number) => {
    const path = `interaction_matrix.${i}`;
    let factors: number[];
    if (typeof entry === "string") factors = parseEffect(entry, names, path).factors;
    else if (Array.isArray(entry)) {
      if (!entry.every((t) => typeof t === "string")) throw new InvalidArgumentError("an interaction lists variable names", path);
      factors = [...new Set(entry.map((t) => resolveFactor(t, names, path)))].sort((a, b) => a - b);
      if (factors.length < entry.length) throw new InvalidArgumentError(`interaction ${JSON.stringify(entry)} names a variable twice`, path);
    } else throw new InvalidArgumentError("an interaction is an array of variable names, e.g. [\"A\", \"B\"]", path);
    if (factors.length < 2) throw new InvalidArgumentError("an interaction needs at least two different variables", path);
    const key = factors.join(",");
    if (!seen.has(key)) {
      seen.add(key);
      interactions.push(factors);
    }
  });

  const raw = request.design_options ?? {};
  if (typeof raw !== "object") throw new InvalidArgumentError("design_options must be an object", "design_options");
  const options: NormalizedRequest["options"] = {};
  if (raw.resolution !== undefined && raw.resolution !== null) options.resolution = parseResolution(raw.resolution);
  if (raw.runs !== undefined && raw.runs !== null) {
    if (!Number.isInteger(raw.runs) || raw.runs < 1) throw new InvalidArgumentError(`runs must be a positive integer, got ${JSON.stringify(raw.runs)}`, "design_options.runs");
    options.runs = raw.runs;
  }
  if (raw.seed !== undefined && raw.seed !== null) {
    if (!(typeof raw.seed === "string" || (typeof raw.seed === "number" && Number.isFinite(raw.seed)))) {
      throw new InvalidArgumentError("seed must be a number or a string", "design_options.seed");
    }
    options.seed = raw.seed;
  }
  if (raw.generators !== undefined && raw.generators !== null) {
    if (typeof raw.generators !== "object") throw new InvalidArgumentError('generators must be an object like {"D": "AB"}', "design_options.generators");
    const empty = Array.isArray(raw.generators) ? raw.generators.length === 0 : Object.keys(raw.generators).length === 0;
    if (!empty) options.generators = raw.generators;
  }
  if (raw.treatment !== undefined && raw.treatment !== null) {
    const t = typeof raw.treatment === "string" ? [raw.treatment] : raw.treatment;
    if (!Array.isArray(t) || !t.every((x) => typeof x === "string")) {
      throw new InvalidArgumentError("treatment must be a variable name or a list of names", "design_options.treatment");
    }
    options.treatment = [...t];
  }
  if (raw.array !== undefined && raw.array !== null) {
    if (typeof raw.array !== "string") throw new InvalidArgumentError('array must be a name like "L8(2^7)"', "design_options.array");
    options.array = raw.array;
  }
  return { designType, variables, names, levelCounts: variables.map((v) => v.levels.length), interactions, options };
}
