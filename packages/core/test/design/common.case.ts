// The contract every design type honours (Hono's common.case.test.ts style): each design's test
// file calls runDesignContract with its own requests. Checked: traffic sums to 1 and is equal,
// ids are unique and in run order, every value is a declared level, runs are distinct, main
// effects are balanced and pairwise orthogonal (strength 2), requested interactions are clear,
// the generation is deterministic, and the properties agree with the combinations.

import { describe, expect, it } from "vitest";
import { EffectSpaces, findInteractionAlias } from "../../src/design/effect-space.js";
import { designContrasts, generateDesign, type Design, type DesignRequest } from "../../src/design/index.js";
import { levelKey } from "../../src/design/validate-request.js";
import { resolutionFromPattern } from "../../src/design/word-length-pattern.js";

/** Level indices of a design's combinations, per variable. */
export function levelIndices(request: DesignRequest, design: Design): number[][] {
  return design.combinations.map((c) =>
    request.variables.map((v) => v.levels.findIndex((l) => levelKey(l) === levelKey(c.variable_values[v.name]))),
  );
}

/** Two-level variables named A, B, ... with levels ["-", "+"] (or n levels "l0".."l{n-1}"). */
export function vars(levels: readonly number[], names = "ABCDE"): DesignRequest["variables"] {
  return levels.map((n, i) => ({
    name: names[i]!,
    levels: n === 2 ? ["-", "+"] : [...Array(n).keys()].map((j) => `l${j}`),
    type: "categorical" as const,
  }));
}

export interface ContractCase {
  label: string;
  request: DesignRequest;
}

export function runDesignContract(name: string, cases: readonly ContractCase[]): void {
  describe(`${name}: design contract`, () => {
    for (const { label, request } of cases) {
      describe(label, () => {
        const design = generateDesign(request);
        const idx = levelIndices(request, design);
        const n = design.combinations.length;

        it("has design_type and runs in its properties", () => {
          expect(design.properties.design_type).toBe(request.design_type);
          expect(design.properties.runs).toBe(n);
          expect(design.properties.levels).toEqual(request.variables.map((v) => v.levels.length));
        });

        it("allocates equal traffic that sums to 1", () => {
          const sum = design.combinations.reduce((s, c) => s + c.traffic_allocation, 0);
          expect(sum).toBeCloseTo(1, 12);
          for (const c of design.combinations) expect(c.traffic_allocation).toBe(1 / n);
        });

        it("numbers combinations c01, c02, ... uniquely in run order", () => {
          const ids = design.combinations.map((c) => c.combination_id);
          expect(new Set(ids).size).toBe(n);
          const width = Math.max(2, String(n).length);
          ids.forEach((id, i) => expect(id).toBe(`c${String(i + 1).padStart(width, "0")}`));
        });

        it("gives every variable one of its declared levels, and nothing else", () => {
          for (const c of design.combinations) {
            expect(Object.keys(c.variable_values).sort()).toEqual(request.variables.map((v) => v.name).sort());
          }
          for (const row of idx) for (const i of row) expect(i).toBeGreaterThanOrEqual(0);
        });

        it("has distinct runs", () => {
          expect(new Set(idx.map((r) => r.join(","))).size).toBe(n);
        });

        it("is balanced and keeps main effects orthogonal (every pair of variables shows every level pair equally often)", () => {
          const s = request.variables.map((v) => v.levels.length);
          for (let a = 0; a < s.length; a++) {
            const counts = new Array<number>(s[a]!).fill(0);
            for (const r of idx) counts[r[a]!]!++;
            expect(new Set(counts).size).toBe(1);
            for (let b = a + 1; b < s.length; b++) {
              const pairs = new Array<number>(s[a]! * s[b]!).fill(0);
              for (const r of idx) pairs[r[a]! * s[b]! + r[b]!]!++;
              expect(new Set(pairs).size).toBe(1);
            }
          }
        });

        it("keeps every requested interaction clear", () => {
          const s = request.variables.map((v) => v.levels.length);
          const inter = design.properties.interactions.map((t) => t.map((nm) => request.variables.findIndex((v) => v.name === nm)));
          expect(inter.length).toBe(request.interaction_matrix?.length ?? 0);
          expect(findInteractionAlias(new EffectSpaces(idx, s), inter)).toBeUndefined();
        });

        it("reports a word-length pattern consistent with its resolution", () => {
          const gwlp = design.properties.generalized_word_length_pattern;
          expect(gwlp).toHaveLength(request.variables.length);
          expect(design.properties.resolution).toBe(resolutionFromPattern(gwlp));
        });

        it("is deterministic", () => {
          expect(generateDesign(request)).toEqual(design);
        });

        it("has an effect-coding matrix with orthogonal main-effect columns", () => {
          const m = designContrasts({ variables: request.variables, combinations: design.combinations });
          expect(m.matrix).toHaveLength(n);
          for (let a = 1; a < m.columns.length; a++) {
            for (let b = a + 1; b < m.columns.length; b++) {
              const dot = m.matrix.reduce((acc, row) => acc + row[a]! * row[b]!, 0);
              expect(Math.abs(dot)).toBeLessThan(1e-9);
            }
          }
        });
      });
    }
  });
}
