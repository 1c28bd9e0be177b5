// Textbook designs as golden JSON cases (golden/*.json), each with its source.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateDesign, type DesignRequest } from "../../src/design/index.js";
import { levelIndices } from "./common.case.js";

interface Golden {
  source: string;
  request: DesignRequest;
  expected: Record<string, unknown> & { treatment_combinations?: string[]; rows?: number[][]; aliases?: { main_effects?: Record<string, string[]>; two_factor_interactions?: Record<string, string[]> } };
}

const dir = new URL("./golden/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();

describe("golden textbook designs", () => {
  it("has cases", () => expect(files.length).toBeGreaterThanOrEqual(9));
  for (const file of files) {
    const golden = JSON.parse(readFileSync(new URL(file, dir), "utf8")) as Golden;
    it(`${file}: ${golden.source.slice(0, 90)}...`, () => {
      expect(golden.source.length).toBeGreaterThan(20);
      const design = generateDesign(golden.request);
      const { treatment_combinations, rows, aliases, ...props } = golden.expected;
      for (const [key, value] of Object.entries(props)) expect((design.properties as unknown as Record<string, unknown>)[key], key).toEqual(value);
      if (treatment_combinations) {
        // Montgomery's labels: lower-case letters of the factors at their high level, "(1)" for none.
        const labels = design.combinations.map(
          (c) => golden.request.variables.filter((v) => c.variable_values[v.name] === v.levels[1]).map((v) => v.name.toLowerCase()).join("") || "(1)",
        );
        expect(labels).toEqual(treatment_combinations);
      }
      if (rows) expect(levelIndices(golden.request, design).map((r) => r.map((x) => x + 1))).toEqual(rows);
      for (const kind of ["main_effects", "two_factor_interactions"] as const) {
        for (const [effect, chain] of Object.entries(aliases?.[kind] ?? {})) expect(design.properties.aliases?.[kind][effect], `${kind} ${effect}`).toEqual(chain);
      }
    });
  }
});
