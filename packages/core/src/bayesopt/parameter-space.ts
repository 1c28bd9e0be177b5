// Transforms between a parameter space (API.md `parameter_space`) and the model's space: log
// for log-scale parameters, the index for choice parameters, and back (rounding integers and
// choices); plus the unit-cube normalisation the acquisition search works in. Length scales and
// training data live in the model space, i.e. in each parameter's own units (log units for log scale).

import { InvalidArgumentError } from "../errors.js";

export type ParameterScale = "linear" | "log";
export type ParameterType = "continuous" | "integer" | "choice";
export type ParameterValue = number | string;

/** One parameter as the API receives it. */
export interface ParameterSpec {
  readonly name: string;
  /** [min, max]: required unless type is "choice". */
  readonly bounds?: readonly [number, number] | readonly number[];
  /** Default "linear". */
  readonly scale?: ParameterScale;
  /** Default "continuous". */
  readonly type?: ParameterType;
  /** The values of a choice parameter (at least 2, distinct). */
  readonly choices?: readonly ParameterValue[];
}

export interface ParameterSpaceSpec {
  readonly parameters: readonly ParameterSpec[];
}

/** A validated parameter with its model-space interval. */
export interface ResolvedParameter {
  readonly name: string;
  readonly type: ParameterType;
  readonly scale: ParameterScale;
  readonly bounds: readonly [number, number] | null;
  readonly choices: readonly ParameterValue[] | null;
  /** The interval searched in model space (integers and choices widened by 1/2 so every value gets equal width). */
  readonly lower: number;
  readonly upper: number;
}

/** A validated parameter space. */
export interface ParameterSpace {
  readonly parameters: readonly ResolvedParameter[];
  readonly dim: number;
}

const fail = (message: string, path: string): never => {
  throw new InvalidArgumentError(message, path);
};

/**
 * Validates a parameter space: at least one parameter, unique non-empty names, scale
 * "linear"|"log", type "continuous"|"integer"|"choice"; bounds [min, max] finite with min < max
 * (and min > 0 on log scale, and at least one integer inside for integers); choices at least 2
 * distinct values on a linear scale. Errors carry paths like `parameter_space.parameters.1.bounds`.
 */
export function validateParameterSpace(spec: unknown, path = "parameter_space"): ParameterSpace {
  const s = spec as ParameterSpaceSpec | null;
  if (!s || typeof s !== "object" || !Array.isArray(s.parameters) || s.parameters.length === 0) {
    fail("parameter_space.parameters must be a non-empty array", `${path}.parameters`);
  }
  const names = new Set<string>();
  const parameters = (s as ParameterSpaceSpec).parameters.map((p, i): ResolvedParameter => {
    const pp = `${path}.parameters.${i}`;
    if (!p || typeof p !== "object") fail("a parameter must be an object", pp);
    if (typeof p.name !== "string" || p.name.length === 0) fail("name must be a non-empty string", `${pp}.name`);
    if (names.has(p.name)) fail(`duplicate parameter name ${JSON.stringify(p.name)}`, `${pp}.name`);
    names.add(p.name);
    const scale = p.scale ?? "linear";
    if (scale !== "linear" && scale !== "log") fail(`scale must be "linear" or "log", got ${JSON.stringify(scale)}`, `${pp}.scale`);
    const type = p.type ?? "continuous";
    if (type !== "continuous" && type !== "integer" && type !== "choice") fail(`type must be "continuous", "integer" or "choice", got ${JSON.stringify(type)}`, `${pp}.type`);
    if (type === "choice") {
      const ch = p.choices;
      if (!Array.isArray(ch) || ch.length < 2) fail("choices must be an array of at least 2 values", `${pp}.choices`);
      (ch as ParameterValue[]).forEach((v, j) => {
        if (!(typeof v === "string" || (typeof v === "number" && Number.isFinite(v)))) fail("choices must be strings or finite numbers", `${pp}.choices.${j}`);
        if ((ch as ParameterValue[]).indexOf(v) !== j) fail(`duplicate choice ${JSON.stringify(v)}`, `${pp}.choices.${j}`);
      });
      if (scale !== "linear") fail("a choice parameter must have a linear scale", `${pp}.scale`);
      const k = (ch as ParameterValue[]).length;
      return { name: p.name, type, scale, bounds: null, choices: [...(ch as ParameterValue[])], lower: -0.5, upper: k - 0.5 };
    }
    const b = p.bounds;
    if (!Array.isArray(b) || b.length !== 2) fail("bounds must be [min, max]", `${pp}.bounds`);
    const [min, max] = b as [unknown, unknown];
    if (typeof min !== "number" || typeof max !== "number" || !Number.isFinite(min) || !Number.isFinite(max)) fail("bounds must be finite numbers", `${pp}.bounds`);
    if (!((min as number) < (max as number))) fail(`bounds must satisfy min < max, got [${min}, ${max}]`, `${pp}.bounds`);
    if (scale === "log" && !((min as number) > 0)) fail(`a log-scale parameter needs min > 0, got ${min}`, `${pp}.bounds`);
    const lo = min as number;
    const hi = max as number;
    const f = scale === "log" ? Math.log : (v: number) => v;
    if (type === "integer") {
      const a = Math.ceil(lo);
      const z = Math.floor(hi);
      if (a > z) fail(`integer bounds [${lo}, ${hi}] contain no integer`, `${pp}.bounds`);
      return { name: p.name, type, scale, bounds: [lo, hi], choices: null, lower: f(a - 0.5), upper: f(z + 0.5) };
    }
    return { name: p.name, type, scale, bounds: [lo, hi], choices: null, lower: f(lo), upper: f(hi) };
  });
  return { parameters, dim: parameters.length };
}

/**
 * Forward transform of a point {name: value} to model space: log for log scale, the index for a
 * choice. Values must be present and finite (positive on log scale; a listed choice); continuous
 * values outside the bounds are accepted (an observation may come from elsewhere).
 */
export function toModelSpace(space: ParameterSpace, point: Readonly<Record<string, ParameterValue>>, path = "point"): number[] {
  if (!point || typeof point !== "object") fail("point must be an object of parameter values", path);
  return space.parameters.map((p) => {
    const v = point[p.name];
    const pp = `${path}.${p.name}`;
    if (p.type === "choice") {
      const idx = (p.choices as ParameterValue[]).indexOf(v as ParameterValue);
      if (idx < 0) fail(`value ${JSON.stringify(v)} is not one of the choices`, pp);
      return idx;
    }
    if (typeof v !== "number" || !Number.isFinite(v)) fail(`value must be a finite number, got ${JSON.stringify(v)}`, pp);
    if (p.scale === "log") {
      if (!((v as number) > 0)) fail(`a log-scale value must be > 0, got ${v}`, pp);
      return Math.log(v as number);
    }
    return v as number;
  });
}

/**
 * Inverse transform from model space: exp for log scale; integers rounded and clamped to
 * [ceil(min), floor(max)]; choices rounded to the nearest index; continuous values clamped to the bounds.
 */
export function fromModelSpace(space: ParameterSpace, z: readonly number[]): Record<string, ParameterValue> {
  const out: Record<string, ParameterValue> = {};
  space.parameters.forEach((p, i) => {
    const zi = z[i] as number;
    if (p.type === "choice") {
      const ch = p.choices as ParameterValue[];
      out[p.name] = ch[Math.min(ch.length - 1, Math.max(0, Math.round(zi)))] as ParameterValue;
      return;
    }
    const [lo, hi] = p.bounds as [number, number];
    let v = p.scale === "log" ? Math.exp(zi) : zi;
    if (p.type === "integer") v = Math.min(Math.floor(hi), Math.max(Math.ceil(lo), Math.round(v)));
    else v = Math.min(hi, Math.max(lo, v));
    out[p.name] = v;
  });
  return out;
}

/** Model space -> unit cube: (z - lower) / (upper - lower) per parameter. */
export function toUnitCube(space: ParameterSpace, z: readonly number[]): number[] {
  return space.parameters.map((p, i) => ((z[i] as number) - p.lower) / (p.upper - p.lower));
}

/** Unit cube -> model space. */
export function fromUnitCube(space: ParameterSpace, u: readonly number[]): number[] {
  return space.parameters.map((p, i) => p.lower + (u[i] as number) * (p.upper - p.lower));
}

/** Width of each parameter's model-space interval (used for default length-scale bounds). */
export function modelSpans(space: ParameterSpace): number[] {
  return space.parameters.map((p) => p.upper - p.lower);
}
