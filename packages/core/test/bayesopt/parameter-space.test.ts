// Transforms: forward/inverse round trips (fast-check properties) for linear, log, integer and
// choice parameters; unit-cube normalisation; validation errors with their paths.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromModelSpace, fromUnitCube, toModelSpace, toUnitCube, validateParameterSpace } from "../../src/bayesopt/index.js";
import { InvalidArgumentError } from "../../src/errors.js";

const space = validateParameterSpace({
  parameters: [
    { name: "price", bounds: [1, 50], scale: "linear" },
    { name: "rate", bounds: [1e-4, 0.5], scale: "log" },
    { name: "slots", bounds: [2, 12], type: "integer" },
    { name: "batch", bounds: [1, 1024], type: "integer", scale: "log" },
    { name: "layout", type: "choice", choices: ["grid", "list", 3] },
  ],
});

const pointArb = fc.record({
  price: fc.double({ min: 1, max: 50, noNaN: true }),
  rate: fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
  slots: fc.integer({ min: 2, max: 12 }),
  batch: fc.integer({ min: 1, max: 1024 }),
  layout: fc.constantFrom("grid", "list", 3),
});

describe("parameter-space transforms", () => {
  it("inverse(forward(p)) = p (property; log values to 1e-14 relative)", () => {
    fc.assert(
      fc.property(pointArb, (p) => {
        const back = fromModelSpace(space, toModelSpace(space, p));
        return (
          back.price === p.price &&
          Math.abs((back.rate as number) - p.rate) <= 1e-14 * p.rate &&
          back.slots === p.slots &&
          back.batch === p.batch &&
          back.layout === p.layout
        );
      }),
      { numRuns: 300, seed: 42 },
    );
  });
  it("forward is log for log scale and the index for choices; model points of the unit cube map into the bounds", () => {
    expect(toModelSpace(space, { price: 3, rate: 0.01, slots: 4, batch: 8, layout: 3 })).toEqual([3, Math.log(0.01), 4, Math.log(8), 2]);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }), (u) => {
        const p = fromModelSpace(space, fromUnitCube(space, u));
        const z = toModelSpace(space, p);
        const u2 = toUnitCube(space, z);
        return (
          (p.price as number) >= 1 && (p.price as number) <= 50 &&
          (p.rate as number) >= 1e-4 && (p.rate as number) <= 0.5 &&
          Number.isInteger(p.slots) && (p.slots as number) >= 2 && (p.slots as number) <= 12 &&
          Number.isInteger(p.batch) && (p.batch as number) >= 1 && (p.batch as number) <= 1024 &&
          ["grid", "list", 3].includes(p.layout as string) &&
          u2.every((v) => v >= 0 && v <= 1)
        );
      }),
      { numRuns: 300, seed: 43 },
    );
  });
  it("every integer and choice gets a share of the cube (rounding with widened bounds)", () => {
    const seen = new Set<unknown>();
    for (let i = 0; i <= 1000; i++) seen.add(fromModelSpace(space, fromUnitCube(space, [0, 0, i / 1000, 0, i / 1000])).slots);
    expect([...seen].sort((a, b) => (a as number) - (b as number))).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});

describe("parameter-space validation", () => {
  const bad: [unknown, string][] = [
    [{ parameters: [] }, "parameter_space.parameters"],
    [{ parameters: [{ name: "a", bounds: [0, 1] }, { name: "b", bounds: [2, 1] }] }, "parameter_space.parameters.1.bounds"],
    [{ parameters: [{ name: "a", bounds: [0, 1] }, { name: "b", bounds: [1, 1] }] }, "parameter_space.parameters.1.bounds"],
    [{ parameters: [{ name: "a", bounds: [0, Infinity] }] }, "parameter_space.parameters.0.bounds"],
    [{ parameters: [{ name: "a", bounds: [0, 1], scale: "log" }] }, "parameter_space.parameters.0.bounds"],
    [{ parameters: [{ name: "a", bounds: [-1, 1], scale: "log" }] }, "parameter_space.parameters.0.bounds"],
    [{ parameters: [{ name: "a", bounds: [0.2, 0.8], type: "integer" }] }, "parameter_space.parameters.0.bounds"],
    [{ parameters: [{ name: "a", bounds: [0] }] }, "parameter_space.parameters.0.bounds"],
    [{ parameters: [{ name: "a", bounds: [0, 1], scale: "sqrt" }] }, "parameter_space.parameters.0.scale"],
    [{ parameters: [{ name: "a", bounds: [0, 1] }, { name: "a", bounds: [0, 1] }] }, "parameter_space.parameters.1.name"],
    [{ parameters: [{ name: "c", type: "choice", choices: ["x"] }] }, "parameter_space.parameters.0.choices"],
    [{ parameters: [{ name: "c", type: "choice", choices: ["x", "x"] }] }, "parameter_space.parameters.0.choices.1"],
    [{ parameters: [{ name: "c", type: "choice", choices: [1, 2], scale: "log" }] }, "parameter_space.parameters.0.scale"],
  ];
  for (const [spec, path] of bad) {
    it(`rejects ${JSON.stringify(spec)} at ${path}`, () => {
      try {
        validateParameterSpace(spec);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        expect((e as InvalidArgumentError).path).toBe(path);
      }
    });
  }
  it("rejects points with missing, non-finite, non-positive log or unknown choice values", () => {
    const p = { price: 3, rate: 0.01, slots: 4, batch: 8, layout: "grid" };
    for (const [patch, path] of [
      [{ price: undefined }, "point.price"],
      [{ price: Number.NaN }, "point.price"],
      [{ rate: 0 }, "point.rate"],
      [{ layout: "table" }, "point.layout"],
    ] as const) {
      expect(() => toModelSpace(space, { ...p, ...patch } as never)).toThrow(expect.objectContaining({ path }));
    }
  });
});
