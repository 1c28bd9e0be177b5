// fast-check: for random valid variable configurations, design types, interactions and options,
// generateDesign either returns a valid design or throws the typed error, never anything else.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EffectSpaces, findInteractionAlias } from "../../src/design/effect-space.js";
import { DESIGN_TYPES, generateDesign, type DesignRequest } from "../../src/design/index.js";
import { InvalidArgumentError } from "../../src/errors.js";
import { levelIndices } from "./common.case.js";

const NAMES = ["A", "B", "C", "D", "E"];

const request: fc.Arbitrary<DesignRequest> = fc
  .record({
    design_type: fc.constantFrom(...DESIGN_TYPES),
    levels: fc.array(fc.integer({ min: 2, max: 4 }), { minLength: 1, maxLength: 5 }),
    equalLevels: fc.boolean(),
    pairs: fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })), { maxLength: 4 }),
    resolution: fc.option(fc.integer({ min: 3, max: 6 }), { nil: undefined }),
    runs: fc.option(fc.constantFrom(4, 8, 9, 12, 16, 18, 27, 32), { nil: undefined }),
    seed: fc.option(fc.integer(), { nil: undefined }),
  })
  .map(({ design_type, levels, equalLevels, pairs, resolution, runs, seed }) => {
    const counts = equalLevels ? levels.map(() => levels[0]!) : levels;
    const k = counts.length;
    return {
      design_type,
      variables: counts.map((n, i) => ({ name: NAMES[i]!, levels: [...Array(n).keys()].map((j) => `${NAMES[i]}${j}`), type: "categorical" as const })),
      interaction_matrix: pairs.filter(([a, b]) => a < k && b < k && a !== b).map(([a, b]) => [NAMES[a]!, NAMES[b]!]),
      design_options: { resolution, runs, seed: seed ?? (design_type === "LatinSquare" ? 1 : undefined) },
    };
  });

describe("generateDesign on random configurations", () => {
  it("returns a valid design or throws InvalidArgumentError (DesignMismatchError included)", () => {
    let designs = 0;
    fc.assert(
      fc.property(request, (req) => {
        let design;
        try {
          design = generateDesign(req);
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidArgumentError);
          expect((e as Error).message.length).toBeGreaterThan(10);
          return;
        }
        designs++;
        const n = design.combinations.length;
        expect(n).toBe(design.properties.runs);
        expect(design.combinations.reduce((s, c) => s + c.traffic_allocation, 0)).toBeCloseTo(1, 12);
        expect(new Set(design.combinations.map((c) => c.combination_id)).size).toBe(n);
        const idx = levelIndices(req, design);
        for (const row of idx) for (const i of row) expect(i).toBeGreaterThanOrEqual(0);
        expect(new Set(idx.map((r) => r.join(","))).size).toBe(n);
        const counts = req.variables.map((v) => v.levels.length);
        const requested = new Set((req.interaction_matrix ?? []).map((t) => (t as string[]).map((x) => NAMES.indexOf(x)).sort().join(",")));
        const inter = design.properties.interactions.map((t) => t.map((x) => NAMES.indexOf(x)));
        expect(new Set(inter.map((t) => t.join(",")))).toEqual(requested);
        expect(findInteractionAlias(new EffectSpaces(idx, counts), inter)).toBeUndefined();
        if (req.design_options?.runs !== undefined && req.design_type !== "LatinSquare") expect(n).toBe(req.design_options.runs);
        if (req.design_options?.resolution !== undefined && design.properties.resolution !== undefined) {
          expect(design.properties.resolution).toBeGreaterThanOrEqual(Number(req.design_options.resolution));
        }
      }),
      { numRuns: 400, seed: 20240601 },
    );
    expect(designs).toBeGreaterThan(50);
  }, 120_000);
});
