// Power solvers against R. Every expected value in r-reference.json was produced by the R
// expression stored beside it (R 4.2.2, stats::power.prop.test / power.t.test, pwr 1.3.0's
// pwr.anova.test formula); the generator is r-reference.R in this folder. Solved n / p2 / delta
// / f references use uniroot with tol = 1e-12 (R's default tolerance only gives n to ~1e-4).
// Tolerances: 1e-6 relative on n and on solved effects, 1e-8 absolute on power.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { powerAnova, powerTwoMeans, powerTwoProportions, solvePower, type PowerRequest } from "../../src/power/index.js";

interface ReferenceCase {
  id: string;
  fn: "powerTwoProportions" | "powerTwoMeans" | "powerAnova" | "factorialPower";
  input: Record<string, unknown>;
  solve: "n" | "power" | "p2" | "delta" | "f" | "total_n" | "term_power";
  r: string;
  expected: number;
}

const reference = JSON.parse(readFileSync(new URL("./r-reference.json", import.meta.url), "utf8")) as {
  source: string;
  cases: ReferenceCase[];
};

const solvers = {
  powerTwoProportions: (input: Record<string, unknown>) => powerTwoProportions(input as never) as unknown as Record<string, number>,
  powerTwoMeans: (input: Record<string, unknown>) => powerTwoMeans(input as never) as unknown as Record<string, number>,
  powerAnova: (input: Record<string, unknown>) => powerAnova(input as never) as unknown as Record<string, number>,
};

function expectClose(got: number, c: ReferenceCase): void {
  if (c.solve === "power") {
    expect(Math.abs(got - c.expected), `${c.r} = ${c.expected}, got ${got}`).toBeLessThanOrEqual(1e-8);
  } else {
    expect(Math.abs(got - c.expected) / Math.abs(c.expected), `${c.r} = ${c.expected}, got ${got}`).toBeLessThanOrEqual(1e-6);
  }
}

describe(`power solvers match R (${reference.source})`, () => {
  it("has the full grid", () => {
    expect(reference.cases.filter((c) => c.fn !== "factorialPower").length).toBeGreaterThanOrEqual(1000);
  });

  for (const fn of ["powerTwoProportions", "powerTwoMeans", "powerAnova"] as const) {
    const cases = reference.cases.filter((c) => c.fn === fn);
    it.each(cases.map((c) => [c.id, c] as const))(`${fn} %s`, (_id, c) => {
      expectClose(solvers[fn](c.input)[c.solve]!, c);
    });
  }
});

// The API dispatcher on the same references (R's n per group is n_per_group).
interface ReferenceInput {
  p1: number; p2?: number; delta?: number; sd?: number; groups: number; f?: number;
  n?: number; power?: number; alpha?: number; strict?: boolean;
  alternative?: "two-sided" | "greater" | "less"; type?: "two.sample" | "one.sample" | "paired";
}

function toRequest(c: ReferenceCase): PowerRequest | undefined {
  const i = c.input as unknown as ReferenceInput;
  if (c.fn === "factorialPower") return undefined; // factorial-r-reference.test.ts
  if (i.strict === true) return undefined; // strict is not part of POST /v1/power
  const common = { n_per_group: i.n, power: i.power, alpha: i.alpha };
  if (c.fn === "powerTwoProportions") return { test: "two_proportions", p1: i.p1, p2: i.p2, alternative: i.alternative, ...common };
  if (c.fn === "powerTwoMeans") return { test: "two_means", delta: i.delta, sd: i.sd, type: i.type, alternative: i.alternative, ...common };
  return { test: "anova", groups: i.groups, f: i.f, ...common };
}

describe("solvePower matches R on the same grid", () => {
  const cases = reference.cases.filter((c) => toRequest(c) !== undefined);
  it.each(cases.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const result = solvePower(toRequest(c)!);
    const got =
      c.solve === "n" ? result.n_per_group
      : c.solve === "power" ? result.power
      : (result.effect as Record<string, number>)[c.solve]!;
    expectClose(got, c);
  });
});
