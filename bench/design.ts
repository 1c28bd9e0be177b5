// Design benchmark: generates every design type for 5 variables x 4 levels (the data model's
// largest configuration) and, for comparison, 5 two-level factors, and prints the times
// (median of repeated runs after a warm-up). No assertions about time.
import { createRng, generateDesign, type DesignRequest } from "@mvx/core";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeIt(fn: () => unknown, reps: number): number {
  fn(); // warm-up (JIT, lazily built tables)
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const four = (name: string) => ({ name, levels: [0, 1, 2, 3], type: "continuous" as const });
const two = (name: string) => ({ name, levels: ["lo", "hi"], type: "categorical" as const });
const names = ["A", "B", "C", "D", "E"];

const cases: { label: string; request: DesignRequest }[] = [
  { label: "FullFactorial 4^5", request: { design_type: "FullFactorial", variables: names.map(four) } },
  { label: "FractionalFactorial 4^5 (array)", request: { design_type: "FractionalFactorial", variables: names.map(four) } },
  { label: "OrthogonalArray 4^5", request: { design_type: "OrthogonalArray", variables: names.map(four) } },
  { label: "LatinSquare 4x4, 5 variables (hyper-Graeco-Latin)", request: { design_type: "LatinSquare", variables: names.map(four), design_options: { seed: 7 } } },
  { label: "LatinSquare 4x4, 3 variables", request: { design_type: "LatinSquare", variables: names.slice(0, 3).map(four), design_options: { seed: 7 } } },
  { label: "FullFactorial 2^5", request: { design_type: "FullFactorial", variables: names.map(two) } },
  { label: "FractionalFactorial 2^5, resolution V", request: { design_type: "FractionalFactorial", variables: names.map(two), design_options: { resolution: 5 } } },
  { label: "FractionalFactorial 2^(5-2), D=AB, E=AC", request: { design_type: "FractionalFactorial", variables: names.map(two), design_options: { generators: { D: "AB", E: "AC" } } } },
  { label: "OrthogonalArray 2^5", request: { design_type: "OrthogonalArray", variables: names.map(two) } },
];

export async function runDesignBench(): Promise<void> {
  const rows = cases.map(({ label, request }) => {
    const design = generateDesign(request, createRng(1));
    const ms = timeIt(() => generateDesign(request, createRng(1)), 25);
    return {
      design: label,
      runs: design.combinations.length,
      resolution: design.properties.resolution ?? "-",
      array: design.properties.array ?? "-",
      "median ms": Number(ms.toFixed(3)),
    };
  });
  console.log("\nDesigns (packages/core generateDesign; median of 25 runs after a warm-up)");
  console.table(rows);
}
